using System.CommandLine;
using OrtAdapter.Build.Artifacts;

namespace OrtAdapter.Cli.Verbs;

/// <summary><c>ortadapter build</c>: writes the training artifacts of a base model and recipe into a folder.</summary>
public static class BuildVerb
{
    public static Command Create()
    {
        var recipe = new RecipeOptions();
        // Not the tracked prebuilt folder by default: rebuilding that is asked for by naming it.
        var output = new Option<string>("--out") { Description = "Artifacts folder to write (a new or empty folder, or an artifacts folder to replace).", DefaultValueFactory = _ => Workspace.BuildOutput };
        var command = new Command("build", "Build training artifacts: adapters + head + weighted loss, backward pass, AdamW, checkpoint, manifest.") { output };
        foreach (var o in recipe.All) command.Options.Add(o);
        command.SetAction(p =>
        {
            var sw = System.Diagnostics.Stopwatch.StartNew();
            var wanted = recipe.Recipe(p);
            var manifest = ArtifactBuilder.Build(recipe.BaseModel(p, Console.Error.WriteLine), wanted, p.GetValue(output)!);
            Console.WriteLine($"built {p.GetValue(output)} in {sw.Elapsed.TotalSeconds:F1} s: {manifest.TrainableParameterCount:N0} trainable parameters, " +
                $"{manifest.DropoutMasks.Count} dropout sites, loss {manifest.Recipe.Loss}, optimizer {(manifest.OptimizerFused ? "fused" : "separate")}");
            return 0;
        });
        return command;
    }
}
