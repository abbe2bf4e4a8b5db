namespace UefiRecovery.Core.Ipmi;

/// <summary>How one IPMI command ended (<see cref="IpmiClient.Send"/>).</summary>
public enum IpmiStatus : byte
{
    Ok = 0,

    /// <summary>The KCS transfer failed (<see cref="IpmiClient.LastTransfer"/> says how).</summary>
    TransferFailed,

    /// <summary>The response is shorter than its header or answers another netfn/command.</summary>
    MalformedResponse,

    /// <summary>The BMC answered with a completion code other than 00h (<see cref="IpmiClient.LastCompletionCode"/>).</summary>
    CompletionCode,
}
