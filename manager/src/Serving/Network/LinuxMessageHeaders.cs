using System.Runtime.InteropServices;

namespace UefiRecovery.Manager.Serving.Network;

// The Linux structures recvmmsg(2) and sendmmsg(2) take (LinuxDatagramBatch, LinuxSendBatch), in their
// x86-64 / arm64 (LP64) layouts: struct iovec, struct msghdr, struct mmsghdr and struct sockaddr_in.

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct IoVec
{
    public byte* Base;
    public nuint Length;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct MsgHdr
{
    public SockAddrIn* Name;
    public uint NameLength;
    public IoVec* Iov;
    public nuint IovLength;
    public void* Control;
    public nuint ControlLength;
    public int Flags;
}

[StructLayout(LayoutKind.Sequential)]
internal struct MMsgHdr
{
    public MsgHdr Header;
    public uint Length;
}

/// <summary>sockaddr_in: family in host order, port and address in network order, 8 bytes of zero.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct SockAddrIn
{
    public ushort Family;
    public ushort Port;
    public uint Address;
    public ulong Zero;
}
