#if PORTABLE_CORE
using UefiRecovery.Core.Protocol.Manifest;

namespace UefiRecovery.Efi.Modes.CoreTest;

/// <summary>
/// An in-memory donor behind IDatagramTransport: answers REQUEST with an OFFER bound to a fragment manifest,
/// drops every 7th fragment (index % 7 == 3) on the first pass, sends its first ten fragments before the
/// MANIFEST (so they are kept tentatively and fragment 0 is held back), slips in a forged copy of fragment
/// 20, asks for STATUS, repairs from NACK ranges and bitmaps, and acknowledges RESULT. Everything it sends
/// goes through the real wire codec and the portable manifest code (emit, then the client parses and checks).
/// </summary>
internal sealed class LoopbackDonor : IDatagramTransport
{
    private const int Slots = 128;
    private readonly byte[][] _queue = new byte[Slots][];
    private readonly int[] _lengths = new int[Slots];
    private readonly byte[] _send = new byte[1500];
    private readonly byte[] _image;
    private readonly FragmentGeometry _geometry;
    private readonly ManifestTree _manifest;
    private readonly byte[] _leaves = new byte[ManifestMessage.MaxLeafCount * 16];
    private readonly byte[] _proof = new byte[ManifestMessage.MaxProofLength * 16];
    private const ulong Token = 0x70CE;
    public int ForgedSent;
    private int _head;
    private int _count;
    private uint _id = 100;
    private bool _firstPass = true;
    public int StatusesSeen;
    public int BitmapsSeen;
    public int DataSent;

    /// <summary>DATA messages of the first pass (before any STATUS): DataSent above it proves repair.</summary>
    public int FirstPassSent;
    public bool ResultAcked;

    public LoopbackDonor(byte[] image)
    {
        _image = image;
        for (int i = 0; i < Slots; i++) _queue[i] = new byte[1500];
        FragmentGeometry.TryCreate((uint)image.Length, 1000, FragmentGeometry.CountFor((uint)image.Length, 1000), out _geometry);
        _manifest = ManifestTree.Build(image, _geometry, ImageId, ManifestShape.ChooseGroupShift(_geometry.FragmentCount, 1000),
            new PortableManifestHash());
    }

    private const ulong ImageId = 0x1D;

    public bool TryJoinMulticastGroup(uint groupAddress) { return true; }

    public int TryReceive(Span<byte> buffer, out DatagramEndpoint source)
    {
        source = new DatagramEndpoint(0x0A000001, ProtocolConstants.DonorPort);
        if (_count == 0) return 0;
        int n = _lengths[_head];
        new ReadOnlySpan<byte>(_queue[_head], 0, n).CopyTo(buffer);
        _head = (_head + 1) % Slots;
        _count--;
        return n;
    }

    private void Enqueue(int n)
    {
        if (_count == Slots) return;
        int tail = (_head + _count) % Slots;
        new ReadOnlySpan<byte>(_send, 0, n).CopyTo(_queue[tail]);
        _lengths[tail] = n;
        _count++;
    }

    private MessageIds Ids() { _id++; return new MessageIds(_id, 0x5E55, 0xD0); }

    public bool TrySend(in DatagramEndpoint destination, ReadOnlySpan<byte> datagram)
    {
        if (MessageFrame.TryParse(datagram, out MessageFrame frame) != WireStatus.Ok) return false;
        int n;
        if (frame.Type == MessageType.Request && RequestMessage.TryParse(frame, out RequestMessage request) == WireStatus.Ok)
        {
            var binding = new OfferBinding(Token, _manifest.Root, (byte)_manifest.Shape.GroupShift, default);
            OfferMessage offer = new OfferMessage(frame.Header.MessageId, ImageId, request.ImageType, 7, 1, _geometry,
                DeliveryMode.Broadcast, 0xFFFFFFFF, ProtocolConstants.ClientPort, 0, binding);
            if (offer.TryEmit(_send, Ids(), out n) == WireStatus.Ok) Enqueue(n);
        }
        else if (frame.Type == MessageType.Accept && _firstPass)
        {
            _firstPass = false;
            for (uint i = 0; i < _geometry.FragmentCount; i++)
            {
                if (i == 10) SendManifests();  // late: 0..9 arrive before their group's MANIFEST
                if (i == 20) SendForgedData(20);
                if (i % 7 == 3) continue; // lost on the first pass
                SendData(i);
            }
            FirstPassSent = DataSent;
            SendStatusRequest(1);
        }
        else if (frame.Type == MessageType.Status && StatusMessage.TryParse(frame, out StatusMessage status) == WireStatus.Ok)
        {
            StatusesSeen++;
            SendManifests();
            for (int r = 0; r < status.RangeCount; r++)
            {
                NackRange range = status.GetRange(r);
                for (ulong f = range.First; f < range.End; f++) SendData((uint)f);
            }
            ReadOnlySpan<byte> bits = status.Bitmap;
            if (!bits.IsEmpty) BitmapsSeen++;
            for (int j = 0; j < bits.Length; j++)
                for (int i = 0; i < 8; i++)
                    if ((bits[j] & (1 << i)) != 0) SendData(status.BitmapWindowStart + (uint)(j * 8 + i));
        }
        else if (frame.Type == MessageType.Result && ResultMessage.TryParse(frame, out ResultMessage result) == WireStatus.Ok)
        {
            if (new ResultAckMessage(frame.Header.MessageId, result.MemberToken).TryEmit(_send, Ids(), out n) == WireStatus.Ok) Enqueue(n);
            ResultAcked = result.Outcome == ResultOutcome.Success;
        }
        return true;
    }

    private void SendData(uint index)
    {
        ReadOnlySpan<byte> fragment = new ReadOnlySpan<byte>(_image, (int)_geometry.OffsetOf(index), _geometry.LengthOf(index));
        if (DataMessage.TryEmit(_send, Ids(), index, 0, fragment, out int n) == WireStatus.Ok) { Enqueue(n); DataSent++; }
    }

    private void SendManifests()
    {
        for (uint group = 0; group < _manifest.Shape.GroupCount; group++)
        {
            _manifest.TryWriteGroup(group, _leaves, _proof, out int leafBytes, out int proofBytes);
            if (ManifestMessage.TryEmit(_send, Ids(), _manifest.Shape.FirstOf(group), new ReadOnlySpan<byte>(_leaves, 0, leafBytes),
                    new ReadOnlySpan<byte>(_proof, 0, proofBytes), out int n) == WireStatus.Ok)
                Enqueue(n);
        }
    }

    /// <summary>A well-formed DATA (good CRC, right session and donor) whose bytes are not the image's.</summary>
    private void SendForgedData(uint index)
    {
        byte[] forged = new byte[_geometry.LengthOf(index)];
        new ReadOnlySpan<byte>(_image, (int)_geometry.OffsetOf(index), forged.Length).CopyTo(forged);
        forged[0] ^= 0x55;
        if (DataMessage.TryEmit(_send, Ids(), index, 0, forged, out int n) == WireStatus.Ok) { Enqueue(n); ForgedSent++; }
    }

    private void SendStatusRequest(uint round)
    {
        if (new StatusRequestMessage(round, 0, 2, 0).TryEmit(_send, Ids(), out int n) == WireStatus.Ok) Enqueue(n);
    }
}
#endif
