namespace OrtAdapter.Build.Export;

/// <summary>What an export or attach wrote.</summary>
/// <param name="ModelPath">The lean model.</param>
/// <param name="ModelBytes">Its size.</param>
/// <param name="AdapterPath">The adapter-only file, or null when none was written (attach, or not asked for).</param>
/// <param name="AdapterBytes">Its size (0 when none).</param>
/// <param name="Nodes">Nodes of the lean graph.</param>
/// <param name="Initializers">Initializers of the lean graph.</param>
public sealed record ExportResult(string ModelPath, long ModelBytes, string? AdapterPath, long AdapterBytes, int Nodes, int Initializers);
