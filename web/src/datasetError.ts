// A data file that cannot be loaded, as .NET's DatasetException reports it: one line naming the file and the first
// bad row; every bad row listed.

export interface BadRow {
  file: string;
  /** The 1-based line where the row starts. */
  location: string;
  reason: string;
}

/** A file that cannot be loaded: the message names the file and the first bad row; badRows lists them all. */
export class DatasetError extends Error {
  constructor(message: string, readonly badRows: readonly BadRow[] = []) {
    super(message);
    this.name = 'DatasetError';
  }
}
