using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using UefiRecovery.Core.Protocol.Client;
using UefiRecovery.Manager.Serving.Network;

namespace UefiRecovery.Manager.Simulating;

/// <summary>
/// Runs every simulated machine on one thread over a <see cref="SharedGroupReceiver"/>: take a batch from
/// the shared socket, let each engine in turn take all of it (and whatever its own control socket holds),
/// repeat; when nothing is waiting anywhere, poll(2) every socket for up to 2 ms. Each engine is polled
/// at least every few milliseconds, as on its own thread, so its timers behave the same.
/// </summary>
public sealed class SharedSocketDriver(SharedGroupReceiver shared, IReadOnlyList<SimulatedClient> machines)
{
    public SimulatedClientReport[] Run(TimeSpan staggerPerMachine, TimeSpan timeout, Stopwatch clock, CancellationToken cancellationToken)
    {
        int count = machines.Count;
        var reports = new SimulatedClientReport?[count];
        var started = new bool[count];
        LinuxDatagramBatch[] waitOn = SocketsOf(reports);
        int remaining = count;
        try
        {
            while (remaining > 0 && !cancellationToken.IsCancellationRequested)
            {
                int taken = shared.Fill();
                bool busy = taken > 0;
                TimeSpan now = clock.Elapsed;
                for (int i = 0; i < count; i++)
                {
                    if (reports[i] is not null) continue;
                    SimulatedClient machine = machines[i];
                    if (!started[i])
                    {
                        if (now < staggerPerMachine * i) continue;
                        machine.Begin(clock, timeout);
                        started[i] = true;
                    }
                    ulong nowMs = (ulong)clock.ElapsedMilliseconds;
                    // Poll handles at most MaxReceivesPerPoll datagrams; go on until this batch is all taken.
                    for (int turn = 0; turn < 64; turn++)
                    {
                        ClientEvents events = machine.Step(nowMs);
                        if ((events & ClientEvents.FragmentsReceived) != 0) busy = true;
                        if (machine.Transport.SharedRemaining == 0 || machine.IsDone(clock.Elapsed)) break;
                    }
                    if (machine.IsDone(clock.Elapsed))
                    {
                        reports[i] = machine.Finish(clock.Elapsed);
                        remaining--;
                        waitOn = SocketsOf(reports); // its sockets are closed now
                    }
                }
                if (!busy)
                {
                    LinuxDatagramBatch.WaitAny(waitOn, 2);
                    foreach (var machine in machines) machine.Transport.Rearm();
                }
            }
        }
        finally
        {
            for (int i = 0; i < count; i++) reports[i] ??= machines[i].Finish(clock.Elapsed);
        }
        var result = new SimulatedClientReport[count];
        for (int i = 0; i < count; i++) result[i] = reports[i]!;
        return result;
    }

    private LinuxDatagramBatch[] SocketsOf(SimulatedClientReport?[] reports)
    {
        var sockets = new List<LinuxDatagramBatch> { shared.Batch };
        for (int i = 0; i < machines.Count; i++)
            if (reports[i] is null && machines[i].Transport.ControlBatch is { } control) sockets.Add(control);
        return sockets.ToArray();
    }
}
