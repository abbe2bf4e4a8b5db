using Xunit;

// The tests run real manager processes and real sockets; one at a time keeps them from competing
// for the (small) machine and keeps timings meaningful.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
