// Where the tests find the repository's files (graphs/, data/, web/test/fixtures/): the folder holding
// OrtAdapter.sln above the bundled test file (dist-test/) or the working directory.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function repoRoot(): string {
  for (const start of [dirname(fileURLToPath(import.meta.url)), process.cwd()]) {
    for (let dir = start; ; dir = dirname(dir)) {
      if (existsSync(join(dir, 'OrtAdapter.sln'))) return dir;
      if (dirname(dir) === dir) break;
    }
  }
  throw new Error('No folder holding OrtAdapter.sln above the tests.');
}
