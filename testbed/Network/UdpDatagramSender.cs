using System;
using System.Globalization;
using System.IO;
using System.Threading.Tasks;

namespace UefiRecovery.Testbed.Network;

/// <summary>
/// Sends one raw UDP datagram from inside a namespace (python3, from python3-scapy's dependencies): datagrams no
/// real peer sends on its own, such as a crafted or replayed RECOVERY_INSTRUCTION.
/// </summary>
public static class UdpDatagramSender
{
    /// <summary>Writes <paramref name="datagram"/> to <c>directory/name.bin</c> and sends it once to <paramref name="address"/>:<paramref name="port"/>; the sender's output when it failed, else null.</summary>
    public static async Task<string?> SendAsync(NetworkNamespace ns, string directory, string name, byte[] datagram, string address, int port)
    {
        string file = Path.Combine(directory, name + ".bin");
        await File.WriteAllBytesAsync(file, datagram).ConfigureAwait(false);
        using NamespaceProcess send = ns.StartProcess("python3", "-c",
            "import socket,sys; s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.sendto(open(sys.argv[1],'rb').read(),(sys.argv[2],int(sys.argv[3])))",
            file, address, port.ToString(CultureInfo.InvariantCulture));
        bool exited = await send.WaitForExitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        return exited && send.ExitCode == 0 ? null : "python3 sender: " + (exited ? "exit " + send.ExitCode : "did not end") + " " + send.Output;
    }
}
