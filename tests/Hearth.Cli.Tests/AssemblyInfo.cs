// Tests of one class share nothing; classes run in parallel. Engine tests each use their own state folder.
[assembly: CollectionBehavior(MaxParallelThreads = 2)]
