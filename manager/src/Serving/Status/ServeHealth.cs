using System;
using System.Globalization;

namespace UefiRecovery.Manager.Serving.Status;

/// <summary>
/// GET /healthz: healthy only while serve is serving with at least one image to offer and a trust anchor to check
/// capsules against; otherwise why not, in one line (HTTP 503), so a load balancer or a monitor sees an empty
/// catalog as a fault rather than as a manager that listens and serves nothing.
/// </summary>
public static class ServeHealth
{
    public static (bool Healthy, string Reason) Judge(ServerStatus status, bool started, bool stopping, bool hasTrustAnchor, string imagesFolder)
    {
        if (stopping) return (false, "stopping");
        if (!started) return (false, "starting");
        if (!hasTrustAnchor) return (false, "no trust anchor: capsules are not verified (--insecure-serve-unverified); give --trusted or --trusted-key-hash");
        if (status.Images.Count == 0)
            return (false, status.RejectedImages.Count == 0
                ? "no image to offer: " + imagesFolder + " holds no capsule (add one; the folder is watched)"
                : string.Create(CultureInfo.InvariantCulture, $"no image to offer: all {status.RejectedImages.Count} files in {imagesFolder} were rejected (GET /status lists why)"));
        return (true, string.Create(CultureInfo.InvariantCulture, $"ok: serving {status.Images.Count} image{(status.Images.Count == 1 ? "" : "s")} on udp {status.Listen}"));
    }
}
