namespace UefiRecovery.Testbed.Guest;

/// <summary>
/// The /init (busybox sh, PID 1) of <see cref="IpmitoolGuestBuilder"/>'s guest: loads the kernel's IPMI drivers
/// (ipmi_si finds the KCS interface from what QEMU publishes: ACPI's IPMI device and SMBIOS type 38), waits for
/// /dev/ipmi0 and runs Debian's ipmitool against it, each command's output between a begin and an end line:
/// <c>IPMITOOL-GUEST begin NAME</c> ... <c>IPMITOOL-GUEST end NAME status=EXIT</c>. Then it powers off.
/// Commands: <c>mc info</c>; Get System Info Parameters C0h, set 0 upwards until the BMC refuses a set (at most 16);
/// BLOB GetCount; BLOB Enumerate index 0 (its request CRC, 0E10h, is CRC-16-CCITT/augmented of four zero bytes).
/// </summary>
public static class IpmitoolGuestInitScript
{
    public const string LinePrefix = "IPMITOOL-GUEST";

    /// <summary>/dev/ipmi0 appeared (<c>IPMITOOL-GUEST device=none</c> when not within 60 s).</summary>
    public const string DeviceLine = "IPMITOOL-GUEST device=/dev/ipmi0";

    /// <summary>The last line before poweroff.</summary>
    public const string DonePattern = @"^IPMITOOL-GUEST done$";

    /// <summary>Load order: ipmi_devintf and ipmi_si each depend on ipmi_msghandler only (their modinfo depends=, Debian 6.1).</summary>
    public static readonly string[] Modules = { "ipmi_msghandler", "ipmi_devintf", "ipmi_si" };

    public const string IpmitoolPath = "usr/bin/ipmitool";

    public static string Text => """
        #!/bin/busybox sh
        /bin/busybox --install -s /bin
        export PATH=/bin:/usr/bin
        export LD_LIBRARY_PATH=/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu
        mount -t proc proc /proc
        mount -t sysfs sysfs /sys
        mount -t devtmpfs devtmpfs /dev
        echo "IPMITOOL-GUEST userspace uptime=$(cut -d' ' -f1 /proc/uptime)"
        for module in $(cat /etc/guest-modules); do
          insmod /lib/modules/$module.ko || echo "IPMITOOL-GUEST insmod $module failed"
        done
        tries=0
        while [ ! -e /dev/ipmi0 ] && [ $tries -lt 300 ]; do sleep 0.2; tries=$((tries+1)); done
        dmesg | grep -i ipmi | sed 's/^/IPMITOOL-GUEST dmesg /'
        if [ -e /dev/ipmi0 ]; then echo "IPMITOOL-GUEST device=/dev/ipmi0"; else echo "IPMITOOL-GUEST device=none"; fi
        run() {
          name=$1; shift
          echo "IPMITOOL-GUEST begin $name"
          ipmitool -I open "$@" 2>&1
          status=$?
          echo "IPMITOOL-GUEST end $name status=$status"
          return $status
        }
        run mc-info mc info
        set=0
        while [ $set -lt 16 ] && run param-c0-set-$set raw 0x06 0x59 0x00 0xc0 0x$(printf %02x $set) 0x00; do set=$((set+1)); done
        run blob-count raw 0x2e 0x80 0xcf 0xc2 0x00 0x00
        run blob-enumerate-0 raw 0x2e 0x80 0xcf 0xc2 0x00 0x01 0x10 0x0e 0x00 0x00 0x00 0x00
        echo "IPMITOOL-GUEST done"
        poweroff -f
        """ + "\n";
}
