// Every test runs the CLI in its own temporary folder, so methods can run in parallel.
[assembly: Parallelize(Scope = ExecutionScope.MethodLevel)]
