using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Hearth.Testing;

/// <summary>
/// xunit's own framework, with one addition: tasks that fail unobserved anywhere in the run fail it, reported as the
/// test assembly's cleanup failure with their exceptions. A test project opts in with
/// <c>[assembly: TestFramework("Hearth.Testing.HearthTestFramework", "Hearth.Testing")]</c>.
/// </summary>
public sealed class HearthTestFramework(IMessageSink messageSink) : XunitTestFramework(messageSink)
{
    protected override ITestFrameworkExecutor CreateExecutor(AssemblyName assemblyName) =>
        new Executor(assemblyName, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class Executor(AssemblyName assemblyName, ISourceInformationProvider sourceInformationProvider, IMessageSink diagnosticMessageSink)
        : XunitTestFrameworkExecutor(assemblyName, sourceInformationProvider, diagnosticMessageSink)
    {
        // async void as in the base class: xunit's executor API reports through the sink, not a returned task.
        protected override async void RunTestCases(IEnumerable<IXunitTestCase> testCases, IMessageSink executionMessageSink, ITestFrameworkExecutionOptions executionOptions)
        {
            using var runner = new AssemblyRunner(TestAssembly, testCases, DiagnosticMessageSink, executionMessageSink, executionOptions);
            await runner.RunAsync();
        }
    }

    private sealed class AssemblyRunner(
        ITestAssembly testAssembly,
        IEnumerable<IXunitTestCase> testCases,
        IMessageSink diagnosticMessageSink,
        IMessageSink executionMessageSink,
        ITestFrameworkExecutionOptions executionOptions)
        : XunitTestAssemblyRunner(testAssembly, testCases, diagnosticMessageSink, executionMessageSink, executionOptions)
    {
        protected override async Task AfterTestAssemblyStartingAsync()
        {
            UnobservedTaskExceptions.Watch();
            await base.AfterTestAssemblyStartingAsync();
        }

        protected override async Task BeforeTestAssemblyFinishedAsync()
        {
            var unobserved = UnobservedTaskExceptions.Collect();
            if (unobserved.Count > 0)
            {
                Aggregator.Add(new UnobservedTaskExceptionsException(unobserved));
            }

            await base.BeforeTestAssemblyFinishedAsync();
        }
    }
}
