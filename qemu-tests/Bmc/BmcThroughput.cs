using System.Linq;
using UefiRecovery.QemuTests.Infrastructure;
using UefiRecovery.Testbed.Bmc;
using Xunit.Abstractions;

namespace UefiRecovery.QemuTests.Bmc;

/// <summary>
/// The KCS throughput figure (issue #14): IPMI bytes both ways over the span from the first request's arrival at
/// the BMC to the last answer, measured at the BMC (host Stopwatch). Under TCG this is guest polling speed through
/// EFI_CPU_IO2_PROTOCOL plus QEMU's chardev round trip; a figure, not an assertion.
/// </summary>
internal static class BmcThroughput
{
    public static void Report(ITestOutputHelper output, BmcSimulator bmc, AppBootResult boot)
    {
        BmcExchange[] exchanges = bmc.Exchanges.ToArray();
        if (exchanges.Length < 2)
            return;
        long bytes = exchanges.Sum(e => (long)e.RequestBytes + e.ResponseBytes);
        long us = exchanges[^1].AnsweredUs - exchanges[0].ReceivedUs;
        string rate = us > 0 ? (bytes * 1_000_000 / us).ToString() : "n/a";
        output.WriteLine($"KCS throughput: {bytes} bytes in {exchanges.Length} messages over {us} us = {rate} bytes/s (TCG)");
        output.WriteLine(boot.Serial.Find(new System.Text.RegularExpressions.Regex("^CONFIG source=bmc boot-flags"))?.Text ?? "");
    }
}
