using System;
using System.Collections.Generic;
using UefiRecovery.Manager.Serving.Sessions;

namespace UefiRecovery.Manager.Serving.Status;

/// <summary>
/// GET /metrics: the status snapshot (published every 250 ms) as Prometheus metrics. Every state and outcome is
/// always present (0 when none), so a query never has to tell "none" from "not exported".
/// </summary>
public static class ServeMetrics
{
    /// <summary>The outcomes a result-log record can have (docs/operating.md §3).</summary>
    public static readonly string[] Outcomes = { "success", "failure", "left", "timeout" };

    public static string Render(ServerStatus status, bool serving)
    {
        var text = new PrometheusText();
        text.Family("uefirecovery_up", "gauge", "1 while serve is serving (started and not stopping), else 0.")
            .Sample("uefirecovery_up", serving ? 1 : 0);
        text.Family("uefirecovery_images", "gauge", "Capsules the catalog offers.")
            .Sample("uefirecovery_images", status.Images.Count);
        text.Family("uefirecovery_images_rejected", "gauge", "Files in the images folder that are not offered (GET /status says why).")
            .Sample("uefirecovery_images_rejected", status.RejectedImages.Count);

        var sessionsByState = new Dictionary<string, int>(StringComparer.Ordinal);
        var machinesByState = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string state in Enum.GetNames<SessionState>()) sessionsByState[Lower(state)] = 0;
        foreach (string state in Enum.GetNames<MemberState>()) machinesByState[Lower(state)] = 0;
        foreach (SessionStatus session in status.Sessions)
        {
            sessionsByState[Lower(session.State)] = sessionsByState.GetValueOrDefault(Lower(session.State)) + 1;
            foreach (ClientStatus client in session.Clients)
                machinesByState[Lower(client.State)] = machinesByState.GetValueOrDefault(Lower(client.State)) + 1;
        }
        text.Family("uefirecovery_sessions", "gauge", "Sessions the manager holds, by state (finished ones stay listed for a while).");
        foreach (var (state, count) in sessionsByState) text.Sample("uefirecovery_sessions", count, ("state", state));
        text.Family("uefirecovery_machines", "gauge", "Machines in the listed sessions, by state.");
        foreach (var (state, count) in machinesByState) text.Sample("uefirecovery_machines", count, ("state", state));

        ServeTotals totals = status.Totals ?? new ServeTotals(0, 0, new Dictionary<string, long>());
        text.Family("uefirecovery_sessions_started_total", "counter", "Sessions started (first ACCEPT) since the manager started.")
            .Sample("uefirecovery_sessions_started_total", totals.SessionsStarted);
        text.Family("uefirecovery_repair_rounds_total", "counter", "Repair passes (resending the union of missing fragments) of all sessions since the manager started.")
            .Sample("uefirecovery_repair_rounds_total", totals.RepairRounds);
        text.Family("uefirecovery_results_total", "counter", "Result-log records by outcome since the manager started.");
        foreach (string outcome in Outcomes) text.Sample("uefirecovery_results_total", totals.ResultsByOutcome.GetValueOrDefault(outcome), ("outcome", outcome));

        TrafficStatus traffic = status.Traffic;
        text.Family("uefirecovery_sent_bytes_total", "counter", "UDP payload bytes the manager sent (DATA, MANIFEST, OFFER, status requests, ...).")
            .Sample("uefirecovery_sent_bytes_total", traffic.BytesSent);
        text.Family("uefirecovery_sent_datagrams_total", "counter", "Datagrams the manager sent.")
            .Sample("uefirecovery_sent_datagrams_total", traffic.DatagramsSent);
        text.Family("uefirecovery_send_failures_total", "counter", "Datagrams the socket refused to send.")
            .Sample("uefirecovery_send_failures_total", traffic.SendFailures);
        text.Family("uefirecovery_received_datagrams_total", "counter", "Datagrams the manager received.")
            .Sample("uefirecovery_received_datagrams_total", traffic.DatagramsReceived);
        text.Family("uefirecovery_rejected_datagrams_total", "counter", "Received datagrams the manager dropped.")
            .Sample("uefirecovery_rejected_datagrams_total", traffic.DatagramsRejected);
        if (traffic.RejectReasons.Count > 0)
        {
            text.Family("uefirecovery_drops_by_reason_total", "counter", "Dropped datagrams and injected faults by reason (GET /status traffic.rejectReasons).");
            foreach (var (reason, count) in traffic.RejectReasons) text.Sample("uefirecovery_drops_by_reason_total", count, ("reason", reason));
        }
        return text.ToString();
    }

    private static string Lower(string state) => state.ToLowerInvariant();
}
