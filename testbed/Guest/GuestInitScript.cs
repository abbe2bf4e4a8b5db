namespace UefiRecovery.Testbed.Guest;

/// <summary>
/// The guest's /init (busybox sh, PID 1). Lines it prints on the serial console start with
/// <see cref="LinePrefix"/>; the agent's own lines (KEY, LISTENING, INSTRUCTION, REPORT) come between them.
/// Kernel command line: <c>uefirecovery.ip=ADDR/PREFIX</c> (eth0's address), <c>uefirecovery.idle=S</c> (the agent's
/// CPU time and RSS are printed S seconds after its start and again S seconds later; 0 = never),
/// <c>uefirecovery.efivarfs=0</c> (leave efivarfs unmounted: a machine whose OS cannot write EFI variables).
/// </summary>
public static class GuestInitScript
{
    public const string LinePrefix = "UEFIRECOVERY-GUEST";

    /// <summary>Printed first thing in userspace, with the kernel's uptime in seconds.</summary>
    public const string UserspacePattern = @"^UEFIRECOVERY-GUEST userspace uptime=(?<uptime>[0-9.]+)";

    /// <summary>The agent has been started; its own LISTENING line says it is ready.</summary>
    public const string AgentStartedPattern = @"^UEFIRECOVERY-GUEST agent pid=(?<pid>[0-9]+)";

    /// <summary>
    /// The agent's CPU time (utime/stime in USER_HZ ticks, 100 per second on x86, from /proc/PID/stat) and RSS, sampled
    /// twice, <c>uefirecovery.idle</c> seconds apart: the difference is what the agent costs while it waits.
    /// </summary>
    public const string IdlePattern = @"^UEFIRECOVERY-GUEST idle sample=(?<sample>[12]) utime=(?<utime>[0-9]+) stime=(?<stime>[0-9]+) rss-kb=(?<rss>[0-9]+) interval-seconds=(?<seconds>[0-9]+)";

    public const int TicksPerSecond = 100;

    /// <summary>The agent process ended (it should not: it blocks in receive until it reboots the machine).</summary>
    public const string AgentExitedPattern = @"^UEFIRECOVERY-GUEST agent exited status=";

    /// <summary>Modules in load order (each after the ones it depends on: modinfo's depends= of the Debian 6.1 kernel).</summary>
    public static readonly string[] Modules =
    {
        "virtio_ring", "virtio", "virtio_pci_modern_dev", "virtio_pci_legacy_dev", "virtio_pci",
        "virtio_blk", "failover", "net_failover", "virtio_net", "efivarfs",
        "fat", "vfat", "nls_cp437", "nls_ascii", "nls_utf8",
    };

    public const string AgentPath = "usr/lib/uefirecovery-agent/uefirecovery-agent";
    public const string KeyDirectory = "etc/uefirecovery-agent/keys";
    /// <summary>On the ESP (mounted at /boot/efi), the guest's only persistent storage.</summary>
    public const string StateDirectory = "boot/efi/uefirecovery-agent";

    public static string Text => """
        #!/bin/busybox sh
        /bin/busybox --install -s /bin
        export PATH=/bin
        export LD_LIBRARY_PATH=/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu
        mount -t proc proc /proc
        mount -t sysfs sysfs /sys
        mount -t devtmpfs devtmpfs /dev
        echo "UEFIRECOVERY-GUEST userspace uptime=$(cut -d' ' -f1 /proc/uptime)"
        for module in $(cat /etc/guest-modules); do
          insmod /lib/modules/$module.ko || echo "UEFIRECOVERY-GUEST insmod $module failed"
        done
        if grep -q 'uefirecovery\.efivarfs=0' /proc/cmdline; then
          echo "UEFIRECOVERY-GUEST efivarfs left unmounted (uefirecovery.efivarfs=0)"
        else
          mount -t efivarfs efivarfs /sys/firmware/efi/efivars || echo "UEFIRECOVERY-GUEST efivarfs not mounted"
        fi
        # virtio devices probe asynchronously: wait (10 s at most) for the NIC and the disk the agent looks at.
        tries=0
        while { [ ! -e /sys/class/net/eth0 ] || [ ! -e /dev/vda1 ]; } && [ $tries -lt 50 ]; do sleep 0.2; tries=$((tries+1)); done
        # The ESP is the guest's only persistent storage: the agent keeps its state there (counters, the pending
        # instruction) and reads the app's record of what it installed.
        mkdir -p /boot/efi
        mount -t vfat /dev/vda1 /boot/efi && echo "UEFIRECOVERY-GUEST esp mounted" || echo "UEFIRECOVERY-GUEST esp not mounted"
        address=$(sed -n 's/.*uefirecovery\.ip=\([^ ]*\).*/\1/p' /proc/cmdline)
        idle=$(sed -n 's/.*uefirecovery\.idle=\([0-9]*\).*/\1/p' /proc/cmdline)
        ip link set lo up
        ip link set eth0 up
        [ -n "$address" ] && ip addr add "$address" dev eth0
        echo "UEFIRECOVERY-GUEST network eth0=$(cat /sys/class/net/eth0/address) address=$address"
        /usr/lib/uefirecovery-agent/uefirecovery-agent --keys /etc/uefirecovery-agent/keys --state /boot/efi/uefirecovery-agent --esp-mount /boot/efi &
        agent=$!
        echo "UEFIRECOVERY-GUEST agent pid=$agent"
        if [ -n "$idle" ] && [ "$idle" -gt 0 ]; then
          # Two samples, idle seconds apart, after the agent has started: their difference is its idle cost.
          for sample in 1 2; do
            sleep "$idle"
            [ -e /proc/$agent/stat ] && echo "UEFIRECOVERY-GUEST idle sample=$sample utime=$(cut -d' ' -f14 /proc/$agent/stat) stime=$(cut -d' ' -f15 /proc/$agent/stat) rss-kb=$(sed -n 's/^VmRSS:[^0-9]*\([0-9]*\).*/\1/p' /proc/$agent/status) interval-seconds=$idle"
          done
        fi
        wait $agent
        echo "UEFIRECOVERY-GUEST agent exited status=$?"
        poweroff -f
        """ + "\n";
}
