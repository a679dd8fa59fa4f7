// Each test starts its own server on its own state folder; two at a time on a 2-core machine.
[assembly: CollectionBehavior(MaxParallelThreads = 2)]
