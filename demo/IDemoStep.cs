using System.Threading.Tasks;

namespace UefiRecovery.Demo;

/// <summary>One step of the demo. Steps run in order; the first failure stops the demo.</summary>
public interface IDemoStep
{
    string Title { get; }

    Task<StepResult> RunAsync(DemoContext context);
}
