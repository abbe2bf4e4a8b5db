namespace UefiRecovery.Testbed.Bmc;

/// <summary>QEMU's arguments for an ISA KCS interface (QEMU's default ports CA2h/CA3h) whose BMC is an external process.</summary>
public static class QemuKcsDevice
{
    /// <param name="chardevAddress"><c>host=127.0.0.1,port=P</c> or <c>path=/some.sock</c>; QEMU connects, and again every 10 s if refused.</param>
    public static string[] Arguments(string chardevAddress) => new[]
    {
        "-chardev", $"socket,id=ipmi0,{chardevAddress},reconnect=10",
        "-device", "ipmi-bmc-extern,id=bmc0,chardev=ipmi0",
        "-device", "isa-ipmi-kcs,bmc=bmc0",
    };
}
