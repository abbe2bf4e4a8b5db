using System;
using UefiRecovery.Manager.Serving.Sessions;

namespace UefiRecovery.Manager.Serving.Status;

/// <summary>
/// When one member passed each step the manager can see, in seconds after its session was offered (the
/// session's <see cref="SessionStatus.ElapsedSeconds"/> is "now" on the same scale); null = not yet. They are the
/// manager's side of the phases `simulate` records: the offer window and gather (offer .. <see cref="Joined"/> ..
/// <see cref="FirstData"/>), the transfer (.. <see cref="Complete"/>: it held every fragment), verification, the
/// flash write and the report (.. <see cref="Reported"/>: its RESULT arrived). <see cref="Ended"/> is when a member
/// that timed out or left was last heard. A RESULT can arrive without a COMPLETE before it (null Complete):
/// the timeline then shows transfer and write as one span. The dashboard draws them as each machine's timeline.
/// </summary>
public sealed record MemberPhases(double Joined, double? FirstData, double? Complete, double? Reported, double? Ended)
{
    public static MemberPhases Of(ImageSession session, SessionClient client)
    {
        TimeSpan offered = session.CreatedAt;
        double joined = Seconds(client.JoinedAt - offered);
        // A late joiner receives the pass that is running from the moment it joins.
        double? firstData = session.FirstDataAt == TimeSpan.MinValue ? null : Math.Max(joined, Seconds(session.FirstDataAt - offered));
        double? complete = client.CompletedAt > TimeSpan.Zero ? Seconds(client.CompletedAt - offered) : null;
        double? reported = client.ReportedAt == TimeSpan.MinValue ? null : Seconds(client.ReportedAt - offered);
        double? ended = client.State is MemberState.TimedOut or MemberState.Left ? Seconds(client.LastHeard - offered) : null;
        return new MemberPhases(joined, firstData, complete, reported, ended);
    }

    private static double Seconds(TimeSpan span) => Math.Round(Math.Max(0, span.TotalSeconds), 3);
}
