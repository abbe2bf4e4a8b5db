using UefiRecovery.Core.Ipmi;
using UefiRecovery.Core.Ipmi.Blob;
using UefiRecovery.Core.Protocol.Instructions;
using UefiRecovery.Efi.Services.Storage;

namespace UefiRecovery.Efi.Modes.Recovery;

/// <summary>
/// The recovery's console lines (ConOut, which OVMF mirrors on serial; each ends in CR LF), one method per line;
/// the QEMU tests and operators read exactly these. The grammar, in the order a run prints it:
///   RECOVERY BEGIN mode=auto|recover
///   RECOVERY INSTRUCTION id=0x.. counter=N last=N verdict=Valid|Malformed|NoTrustedKeys|UntrustedKey|BadSignature|OtherMachine|Expired|Replayed bytes=N
///                                                   (only when the OS agent left one; InstructedBoot)
///   RECOVERY CONFIG protected key rejected key=KEY count=N reason="..."     (then DONE failed reason=config)
///   RECOVERY REGION verdict=valid|invalid reason=.. message=".." marker=..|unavailable
///   RECOVERY FVB call=open|get-block-size|get-attributes|get-physical-address status=0x.. injected=yes|no   (then DONE failed reason=fvb-CALL)
///   FIRMWARE VALID                                  (auto, valid region: back to the firmware)
///   RECOVERY HANDOVER boot-manager | next=PATH [returned status=.. | failed step=load|start status=.. (..)]   (NextLoader)
///   RECOVERY TRUST rsa2048=N [h1,h2] x509=M [h1] manager=K [h1] image-type=GUID lsv=0x........
///   RECOVERY PHASE file                                   (each uefirecovery.source=file:PATH, in order)
///   RECOVERY SOURCE file path=PATH skipped reason=not-found|too-large|read-failed volumes=N [status=0x..]
///   RECOVERY SOURCE file path=PATH read volume=I of N bytes=N ms=N
///   RECOVERY SOURCE file path=PATH rejected code=.. reason=.. message=".."   (the next volume with the path, then the next source)
///   RECOVERY SOURCE waiting for a volume seconds=N watch=arrival+timer|timer   (file sources only, none had an image)
///   RECOVERY SOURCE rescan cause=arrival|timer after-ms=N volumes=N            (then the file sources again, quiet when missing)
///   RECOVERY PHASE bmc                                    (uefirecovery.source=bmc; docs/bmc.md)
///   RECOVERY SOURCE bmc skipped reason=no-bmc detail="..."
///   RECOVERY SOURCE bmc blob=/recovery/image skipped reason=absent|not-committed|too-large|command-failed|ended-early [size=N state=0x....] [step=.. status=..] [cc=..]
///   RECOVERY SOURCE bmc blob=/recovery/image offer=none|acceptable size=N [image=GUID version=0x........]
///   RECOVERY SOURCE bmc blob=/recovery/image skipped reason=wrong-image-type|below-floor size=N image=GUID version=0x........
///   RECOVERY SOURCE bmc blob=/recovery/image read kcs=0x.. bytes=N reads=N ms=N kcs-bytes=N retried=N
///   RECOVERY SOURCE bmc blob=/recovery/image rejected code=.. reason=.. message=".."   (then the next source)
///   RECOVERY PHASE http                                   (each uefirecovery.source=http://URL, in order; NIC lines as below)
///   RECOVERY SOURCE http url=URL connecting server=A:P local-port=N via=on-link|GATEWAY
///   RECOVERY SOURCE http url=URL read bytes=N length=N|chunked ms=N rate=NKiB/s
///   RECOVERY SOURCE http url=URL skipped reason=no-nic|no-address|refused|reset|timed-out|stalled|too-slow|request-too-long|<response>
///                   [http-status=N] [location="..."] bytes=N ms=N   (response: docs/http-source.md; the next source follows)
///   RECOVERY SOURCE http url=URL rejected code=.. reason=.. message=".."   (verification refused it; the next source follows)
///   RECOVERY PHASE network
///   RECOVERY NIC mac=.. mtu=.. | NIC-SKIPPED .. | STATIC .. | DHCP discovering | LEASE ..   (NicReport, terse)
///   ENTROPY ..                                                                              (EntropySource)
///   RECOVERY INSTRUCTION refused id=0x.. reason=CounterStoreFailed|NotDeleted detail=".." status=0x..   (InstructedBoot.Read)
///   RECOVERY INSTRUCTION taken id=0x.. counter=N managers=N version=0x.. | refused id=0x.. reason=OtherMachine detail=".."
///   RECOVERY PHASE discovering manager=none:PORT|A:P[,A:P..] broadcast=yes|no backoff-max=Ns deadline=none|Ns
///   RECOVERY WAITING no offer yet requests=N
///   RECOVERY CANDIDATE first offer window-ms=N early-close=yes|no
///   RECOVERY CHOSEN after-first-offer-ms=N after-first-request-ms=N|unknown
///   RECOVERY OFFER donor=A:P image=0x.. version=0x.. size=N fragments=N mode=unicast|broadcast|multicast
///   RECOVERY PHASE receiving
///   RECOVERY PHASE discovering reason=aborted|session-lost|accept-timeout
///   RECOVERY PROGRESS bytes=N of M rate=KKiB/s round=R [#####.....]   (R = STATUS messages sent so far)
///   RECOVERY REPAIR status=R held=H of C corrupted=K forged=F           (each NACKing STATUS: a repair round)
///   RECOVERY RECEIVED fragments=N corrupted=C forged=F duplicates=D unauthenticated-offers=U signature-checks=S stalled=L
///   RECOVERY FEC offered=yes|no active=yes|no parity=N decoded=N rejected=N   (docs/protocol.md §5.5)
///   RECOVERY PHASE verifying
///   RECOVERY REJECTED code=.. reason=.. message=".." result-reason=..   (image refused, next donor)
///   RECOVERY VERIFIED version=0x.. payload=N capsule=N
///   RECOVERY PHASE writing blocks=N
///   MARKER .. | FLASH block=N action=.. begin | result=.. attempts=N     (ReportingMarkerStore; FLASH with uefirecovery.log=debug)
///   RECOVERY WRITE recovery=.. result=.. block=N written=N erases=N retries=N
///   RECOVERY WRITE-DETAIL mode=changed|all skipped=N in-place=N bytes=N header-erased=yes|no ms=N region-sha256=(64 hex)
///   RECOVERY REGION ..                                                  (the region judged again after the write)
///   RECOVERY INSTALLED record=\UEFIRECOVERY-INSTALLED.TXT written=yes|no    (success only; InstalledRecord)
///   RECOVERY PHASE reporting
///   RECOVERY MULTICAST left group=A leave=sent|not-sent                 (multicast session: IGMPv2 Leave)
///   RECOVERY RESULT outcome=success|failure reason=N acked=yes|no
///   RECOVERY DONE verdict=recovered|failed reason=..[ details]
/// </summary>
internal sealed class RecoveryConsole
{
    public const string Tag = "RECOVERY";

    private const int LineLength = 256;
    private const int BarWidth = 30;

    private readonly UefiConsole _console;

    public RecoveryConsole(UefiConsole console) => _console = console;

    public UefiConsole Console => _console;

    public void Begin(bool forced) =>
        new ConsoleLine(stackalloc char[LineLength]).Append("RECOVERY BEGIN mode=").Append(forced ? "recover" : "auto").WriteLine(_console);

    public void Instruction(InstructedBoot boot, ulong lastCounter, int bytes) =>
        new ConsoleLine(stackalloc char[LineLength]).Append("RECOVERY INSTRUCTION id=").AppendHex(boot.Instruction.InstructionId, 16)
            .Append(" counter=").AppendDecimal(boot.Instruction.Counter).Append(" last=").AppendDecimal(lastCounter)
            .Append(" verdict=").Append(InstructionCheckNames.Name(boot.Result)).Append(" bytes=").AppendDecimal((ulong)bytes).WriteLine(_console);

    public void InstructionTaken(in InstructionMessage instruction) =>
        new ConsoleLine(stackalloc char[LineLength]).Append("RECOVERY INSTRUCTION taken id=").AppendHex(instruction.InstructionId, 16)
            .Append(" counter=").AppendDecimal(instruction.Counter).Append(" managers=").AppendDecimal((ulong)instruction.Managers.Count)
            .Append(" version=").AppendHex(instruction.ImageVersion, 8).WriteLine(_console);

    public void InstructionRefused(ulong id, ReadOnlySpan<char> reason, ReadOnlySpan<char> detail, EfiStatus status)
    {
        var line = new ConsoleLine(stackalloc char[LineLength]).Append("RECOVERY INSTRUCTION refused id=").AppendHex(id, 16)
            .Append(" reason=").Append(reason).Append(" detail=\"").Append(detail).Append("\"");
        if (status.IsError)
            line.Append(" status=").AppendHex(status.Value);
        line.WriteLine(_console);
    }

    public void SourceSkipped(ReadOnlySpan<char> path, VolumeFileStatus status, int volumes, EfiStatus efiStatus)
    {
        var line = new ConsoleLine(stackalloc char[LineLength]).Append("RECOVERY SOURCE file path=").Append(path).Append(" skipped reason=")
            .Append(status == VolumeFileStatus.TooLarge ? "too-large" : status == VolumeFileStatus.ReadFailed ? "read-failed" : "not-found")
            .Append(" volumes=").AppendDecimal((ulong)volumes);
        if (status == VolumeFileStatus.ReadFailed)
            line.Append(" status=").AppendHex(efiStatus.Value);
        line.WriteLine(_console);
    }

    public void SourceRead(ReadOnlySpan<char> path, int volume, int volumes, int bytes, long ms) =>
        new ConsoleLine(stackalloc char[LineLength]).Append("RECOVERY SOURCE file path=").Append(path).Append(" read volume=").AppendDecimal((ulong)volume)
            .Append(" of ").AppendDecimal((ulong)volumes).Append(" bytes=").AppendDecimal((ulong)bytes).Append(" ms=").AppendDecimal(ms).WriteLine(_console);

    public void SourceRejected(ReadOnlySpan<char> path, CapsuleStatus status) => SourceRejected("file path=", path, status);

    /// <summary>"RECOVERY SOURCE file path=.. | http url=.. rejected ...": the bytes were read, verification refused them.</summary>
    public void SourceRejected(string label, ReadOnlySpan<char> path, CapsuleStatus status) =>
        new ConsoleLine(stackalloc char[LineLength]).Append("RECOVERY SOURCE ").Append(label).Append(path).Append(" rejected code=")
            .AppendDecimal((ulong)(int)status).Append(" reason=").Append(StatusName(status))
            .Append(" message=\"").Append(CapsuleStatusText.Describe(status)).Append("\"").WriteLine(_console);

    public void VolumeWait(uint seconds, bool watching) =>
        new ConsoleLine(stackalloc char[LineLength]).Append("RECOVERY SOURCE waiting for a volume seconds=").AppendDecimal((ulong)seconds)
            .Append(" watch=").Append(watching ? "arrival+timer" : "timer").WriteLine(_console);

    public void VolumeRescan(bool arrival, long afterMs, int volumes) =>
        new ConsoleLine(stackalloc char[LineLength]).Append("RECOVERY SOURCE rescan cause=").Append(arrival ? "arrival" : "timer")
            .Append(" after-ms=").AppendDecimal(afterMs).Append(" volumes=").AppendDecimal((ulong)volumes).WriteLine(_console);

    public void BmcSkipped(string reason) =>
        new ConsoleLine(stackalloc char[LineLength]).Append("RECOVERY SOURCE bmc skipped reason=no-bmc detail=\"").Append(reason).Append("\"").WriteLine(_console);

    public void BmcNotRead(string blob, BlobDownloadStatus status, BlobDownload download, BlobClient client)
    {
        var line = new ConsoleLine(stackalloc char[LineLength]).Append("RECOVERY SOURCE bmc blob=").Append(blob).Append(" skipped reason=")
            .Append(BlobTransferNames.Name(status));
        if (status == BlobDownloadStatus.TooLarge || status == BlobDownloadStatus.NotCommitted)
            line.Append(" size=").AppendDecimal((ulong)download.Stat.Size).Append(" state=").AppendHex(download.Stat.State, 4);
        if (status == BlobDownloadStatus.Absent || status == BlobDownloadStatus.CommandFailed)
        {
            if (status == BlobDownloadStatus.CommandFailed)
                line.Append(" step=").Append(BlobTransferNames.Step(download.FailedStep)).Append(" status=").Append(BlobStatusNames.Name(download.FailedStatus));
            line.Append(" cc=").Append(client.LastCompletionCode == 0 ? "none" : IpmiCompletionCodeNames.Name(client.LastCompletionCode));
        }
        line.WriteLine(_console);
    }

    public void BmcOffer(string blob, BmcImageOfferStatus status, uint size, in EfiGuid type, uint version)
    {
        bool refused = status == BmcImageOfferStatus.WrongImageType || status == BmcImageOfferStatus.BelowFloor;
        var line = new ConsoleLine(stackalloc char[LineLength]).Append("RECOVERY SOURCE bmc blob=").Append(blob)
            .Append(refused ? " skipped reason=" : " offer=").Append(BlobTransferNames.Name(status)).Append(" size=").AppendDecimal((ulong)size);
        if (status != BmcImageOfferStatus.NoClaim)
            line.Append(" image=").Append(type).Append(" version=").AppendHex(version, 8);
        line.WriteLine(_console);
    }

    public void BmcRead(string blob, ulong port, int bytes, int reads, long ms, long kcsBytes, int retried) =>
        new ConsoleLine(stackalloc char[LineLength]).Append("RECOVERY SOURCE bmc blob=").Append(blob).Append(" read kcs=").AppendHex(port)
            .Append(" bytes=").AppendDecimal((ulong)bytes).Append(" reads=").AppendDecimal((ulong)reads).Append(" ms=").AppendDecimal(ms)
            .Append(" kcs-bytes=").AppendDecimal((ulong)kcsBytes).Append(" retried=").AppendDecimal((ulong)retried).WriteLine(_console);

    public void BmcRejected(string blob, CapsuleStatus status) =>
        new ConsoleLine(stackalloc char[LineLength]).Append("RECOVERY SOURCE bmc blob=").Append(blob).Append(" rejected code=")
            .AppendDecimal((ulong)(int)status).Append(" reason=").Append(StatusName(status))
            .Append(" message=\"").Append(CapsuleStatusText.Describe(status)).Append("\"").WriteLine(_console);

    public void HttpConnecting(ReadOnlySpan<char> url, Ipv4Address server, ushort port, ushort localPort, Ipv4Address gateway)
    {
        var line = new ConsoleLine(stackalloc char[LineLength]).Append("RECOVERY SOURCE http url=").Append(url).Append(" connecting server=").Append(server)
            .Append(":").AppendDecimal((ulong)port).Append(" local-port=").AppendDecimal((ulong)localPort).Append(" via=");
        if (gateway.IsUnspecified) line.Append("on-link");
        else line.Append(gateway);
        line.WriteLine(_console);
    }

    public void HttpRead(ReadOnlySpan<char> url, int bytes, long declared, long ms)
    {
        var line = new ConsoleLine(stackalloc char[LineLength]).Append("RECOVERY SOURCE http url=").Append(url).Append(" read bytes=").AppendDecimal((ulong)bytes)
            .Append(" length=");
        if (declared < 0) line.Append("chunked");
        else line.AppendDecimal(declared);
        line.Append(" ms=").AppendDecimal(ms).Append(" rate=").AppendDecimal(ms > 0 ? (ulong)bytes * 1000 / 1024 / (ulong)ms : 0).Append("KiB/s").WriteLine(_console);
    }

    public void HttpSkipped(ReadOnlySpan<char> url, ReadOnlySpan<char> reason, int statusCode, ReadOnlySpan<char> location, int bytes, long ms)
    {
        var line = new ConsoleLine(stackalloc char[LineLength]).Append("RECOVERY SOURCE http url=").Append(url).Append(" skipped reason=").Append(reason);
        if (statusCode != 0 && statusCode != 200)
            line.Append(" http-status=").AppendDecimal((ulong)statusCode);
        if (!location.IsEmpty)
            line.Append(" location=\"").Append(location).Append("\"");
        line.Append(" bytes=").AppendDecimal((ulong)bytes).Append(" ms=").AppendDecimal(ms).WriteLine(_console);
    }

    public void Installed(bool written) =>
        new ConsoleLine(stackalloc char[LineLength]).Append("RECOVERY INSTALLED record=").Append(InstalledRecord.PathText)
            .Append(" written=").Append(written ? "yes" : "no").WriteLine(_console);

    public void ProtectedKeyRejected(RecoveryConfig config) =>
        new ConsoleLine(stackalloc char[LineLength]).Append("RECOVERY CONFIG protected key rejected key=")
            .Append(ConfigKeyNames.Name(config.FirstRejectedProtectedKey).AsSpan(ConfigKeyNames.Prefix.Length))
            .Append(" count=").AppendDecimal((ulong)config.ProtectedRejections)
            .Append(" reason=\"").Append(config.FirstProtectedRejectionReason).Append("\"").WriteLine(_console);

    /// <summary>"RECOVERY REGION verdict=invalid reason=REASON message="MESSAGE"": no region to judge.</summary>
    public void RegionMissing(ReadOnlySpan<char> reason, ReadOnlySpan<char> message) =>
        new ConsoleLine(stackalloc char[LineLength]).Append("RECOVERY REGION verdict=invalid reason=").Append(reason)
            .Append(" message=\"").Append(message).Append("\"").WriteLine(_console);

    public void Region(in RegionVerdict verdict, RecoveryMarkerState marker, bool hasStore) =>
        new ConsoleLine(stackalloc char[LineLength]).Append("RECOVERY REGION verdict=").Append(verdict.IsValid ? "valid" : "invalid")
            .Append(" reason=").Append(verdict.ReasonName).Append(" message=\"").Append(verdict.Message).Append("\" marker=")
            .Append(hasStore ? FirmwareNames.Marker(marker) : "unavailable").WriteLine(_console);

    /// <summary>A failed FVB call before anything was erased (NAME as in <see cref="FvbTestFaultNames"/>).</summary>
    public void FvbCallFailed(FvbTestFault call, EfiStatus status, bool injected) =>
        new ConsoleLine(stackalloc char[LineLength]).Append("RECOVERY FVB call=").Append(FvbTestFaultNames.Name(call)).Append(" status=").AppendHex(status.Value)
            .Append(" injected=").Append(injected ? "yes" : "no").WriteLine(_console);

    public void FirmwareValid() => new ConsoleLine(stackalloc char[LineLength]).Append("FIRMWARE VALID").WriteLine(_console);

    /// <summary>
    /// The trust in force, once; each anchor shown by the first 4 bytes of its SHA-256 (the modulus hash, or the
    /// certificate's DER hash = its pin).
    /// </summary>
    public void Trust(TrustStore trust, RecoveryTargetConfig target)
    {
        Span<byte> digest = stackalloc byte[UefiRecovery.Core.Crypto.Sha256.DigestSize];
        var text = new ConsoleLine(stackalloc char[LineLength]).Append("RECOVERY TRUST rsa2048=").AppendDecimal((ulong)trust.KeyHashCount).Append(" [");
        for (int i = 0; i < trust.KeyHashCount; i++)
            AppendShortHash(ref text, i, trust.GetKeyHash(i));
        text.Append("] x509=").AppendDecimal((ulong)trust.RootCertificateCount).Append(" [");
        for (int i = 0; i < trust.RootCertificateCount; i++)
        {
            UefiRecovery.Core.Crypto.Sha256.Hash(trust.GetRootCertificate(i), digest);
            AppendShortHash(ref text, i, digest);
        }
        text.Append("] manager=").AppendDecimal((ulong)target.TrustedManagerKeyCount).Append(" [");
        for (int i = 0; i < target.TrustedManagerKeyCount; i++)
            AppendShortHash(ref text, i, target.GetTrustedManagerKeyHash(i));
        text.Append("] image-type=").Append(target.ImageType).Append(" lsv=").AppendHex(target.LowestSupportedVersion, 8).WriteLine(_console);
    }

    /// <summary>"RECOVERY PHASE NAME" (network, receiving, verifying, reporting).</summary>
    public void Phase(string name) => new ConsoleLine(stackalloc char[LineLength]).Append("RECOVERY PHASE ").Append(name).WriteLine(_console);

    public void Discovering(in ClientConfig client, RecoveryConfig config)
    {
        var discovering = new ConsoleLine(stackalloc char[LineLength]).Append("RECOVERY PHASE discovering manager=");
        if (client.ManagerCount == 0)
            discovering.Append("none:").AppendDecimal((ulong)config.ManagerPort);
        for (int m = 0; m < client.ManagerCount; m++)
        {
            DatagramEndpoint manager = client.GetManager(m);
            discovering.Append(m == 0 ? "" : ",").Append(new Ipv4Address(manager.Address)).Append(":").AppendDecimal((ulong)manager.Port);
        }
        discovering.Append(" broadcast=").Append(config.DiscoverByBroadcast ? "yes" : "no")
            .Append(" backoff-max=").AppendDecimal((ulong)config.RequestBackoffSeconds).Append("s deadline=");
        if (config.RecoveryTimeoutSeconds == 0)
            discovering.Append("none");
        else
            discovering.AppendDecimal((ulong)config.RecoveryTimeoutSeconds).Append("s");
        discovering.WriteLine(_console);
    }

    public void DiscoveringAgain(ClientEvents events) =>
        new ConsoleLine(stackalloc char[LineLength]).Append("RECOVERY PHASE discovering reason=")
            .Append((events & ClientEvents.SessionAborted) != 0 ? "aborted" : (events & ClientEvents.SessionLost) != 0 ? "session-lost" : "accept-timeout")
            .WriteLine(_console);

    public void Waiting(ClientSession client) =>
        new ConsoleLine(stackalloc char[LineLength]).Append("RECOVERY WAITING no offer yet requests=").AppendDecimal((ulong)client.RequestsSent).WriteLine(_console);

    public void Candidate(uint offerWindowMs, bool discoverByBroadcast) =>
        new ConsoleLine(stackalloc char[LineLength]).Append("RECOVERY CANDIDATE first offer window-ms=").AppendDecimal((ulong)offerWindowMs)
            .Append(" early-close=").Append(discoverByBroadcast ? "no" : "yes").WriteLine(_console);

    /// <summary>The choice that closed the offer window; <paramref name="afterFirstRequestMs"/> −1: no REQUEST seen in this discovery.</summary>
    public void Chosen(long afterFirstOfferMs, long afterFirstRequestMs)
    {
        var line = new ConsoleLine(stackalloc char[LineLength]).Append("RECOVERY CHOSEN after-first-offer-ms=").AppendDecimal((ulong)afterFirstOfferMs)
            .Append(" after-first-request-ms=");
        if (afterFirstRequestMs < 0)
            line.Append("unknown");
        else
            line.AppendDecimal((ulong)afterFirstRequestMs);
        line.WriteLine(_console);
    }

    public void Offer(in OfferRecord offer)
    {
        OfferMessage o = offer.Offer;
        new ConsoleLine(stackalloc char[LineLength]).Append("RECOVERY OFFER donor=").Append(new Ipv4Address(offer.DonorEndpoint.Address))
            .Append(":").AppendDecimal((ulong)offer.DonorEndpoint.Port)
            .Append(" image=").AppendHex(o.ImageId, 16).Append(" version=").AppendHex(o.ImageVersion, 8)
            .Append(" size=").AppendDecimal((ulong)o.Geometry.ImageSize).Append(" fragments=").AppendDecimal((ulong)o.Geometry.FragmentCount)
            .Append(" mode=").Append(o.DeliveryMode == DeliveryMode.Broadcast ? "broadcast" : o.DeliveryMode == DeliveryMode.Multicast ? "multicast" : "unicast")
            .WriteLine(_console);
    }

    public void Progress(ClientSession client, long elapsedMs, bool complete)
    {
        OfferMessage offer = client.ChosenOffer.Offer;
        ulong size = offer.Geometry.ImageSize;
        ulong fragmentSize = offer.Geometry.FragmentSize;
        ulong held = client.FragmentsHeld;
        ulong bytes = complete ? size : Math.Min(held * fragmentSize, size);
        ulong rate = elapsedMs > 0 ? bytes * 1000 / 1024 / (ulong)elapsedMs : 0;
        var progress = new ConsoleLine(stackalloc char[LineLength]).Append("RECOVERY PROGRESS bytes=").AppendDecimal(bytes).Append(" of ").AppendDecimal(size)
            .Append(" rate=").AppendDecimal(rate).Append("KiB/s round=").AppendDecimal((ulong)client.StatusesSent).Append(" [");
        int filled = size == 0 ? 0 : (int)(bytes * BarWidth / size);
        for (int i = 0; i < BarWidth; i++)
            progress.Append(i < filled ? "#" : ".");
        progress.Append("]").WriteLine(_console);
    }

    /// <summary>A STATUS that NACKs fragments: the donor's next pass repairs them (one repair round).</summary>
    public void Repair(ClientSession client) =>
        new ConsoleLine(stackalloc char[LineLength]).Append("RECOVERY REPAIR status=").AppendDecimal((ulong)client.StatusesSent)
            .Append(" held=").AppendDecimal((ulong)client.FragmentsHeld).Append(" of ").AppendDecimal((ulong)client.FragmentCount)
            .Append(" corrupted=").AppendDecimal((ulong)client.CorruptedFragments)
            .Append(" forged=").AppendDecimal((ulong)client.ForgedFragments).WriteLine(_console);

    /// <summary>What the transfer met on the way (docs/protocol.md §6.3, §9).</summary>
    public void Received(ClientSession client)
    {
        var line = new ConsoleLine(stackalloc char[LineLength]);
        line.Advance(line.Free.TryWrite($"RECOVERY RECEIVED fragments={client.ChosenOffer.Offer.Geometry.FragmentCount} corrupted={client.CorruptedFragments} forged={client.ForgedFragments} duplicates={client.DuplicateFragments} unauthenticated-offers={client.OffersUnauthenticated} signature-checks={client.SignatureChecks} stalled={client.SessionsStalled}", out int written), written)
            .WriteLine(_console);
    }

    /// <summary>FEC (docs/protocol.md §5.5): whether the donor offered it, whether it is still used (a forged decode
    /// turns it off), the parity kept, the fragments restored from it and the decodes refused.</summary>
    public void Fec(ClientSession client)
    {
        string offered = (client.ChosenOffer.Traits & OfferTraits.Fec) != 0 ? "yes" : "no";
        string active = client.FecActive ? "yes" : "no";
        var line = new ConsoleLine(stackalloc char[LineLength]);
        line.Advance(line.Free.TryWrite($"RECOVERY FEC offered={offered} active={active} parity={client.ParityReceived} decoded={client.FragmentsDecoded} rejected={client.DecodesRejected}", out int written), written)
            .WriteLine(_console);
    }

    public void Rejected(CapsuleImageVerifier verifier, ResultReason reason)
    {
        var rejected = new ConsoleLine(stackalloc char[LineLength]).Append("RECOVERY REJECTED ");
        if (reason == ResultReason.AnnouncedVersionMismatch)
            rejected.Append("code=0 reason=AnnouncedVersionMismatch message=\"the capsule's version is not the one the offer announced\"");
        else if (verifier.LastImageIdMismatch)
            rejected.Append("code=0 reason=ImageIdMismatch message=\"the image's SHA-256 does not match the offered image id\"");
        else
            rejected.Append("code=").AppendDecimal((ulong)(int)verifier.LastStatus).Append(" reason=").Append(StatusName(verifier.LastStatus))
                .Append(" message=\"").Append(CapsuleStatusText.Describe(verifier.LastStatus)).Append("\"");
        rejected.Append(" result-reason=").AppendDecimal((ulong)reason).WriteLine(_console);
    }

    public void Verified(uint version, int payloadLength, int capsuleLength)
    {
        var line = new ConsoleLine(stackalloc char[LineLength]);
        line.Advance(line.Free.TryWrite($"RECOVERY VERIFIED version=0x{version:X8} payload={payloadLength} capsule={capsuleLength}", out int written), written)
            .WriteLine(_console);
    }

    public void Writing(int blocks) =>
        new ConsoleLine(stackalloc char[LineLength]).Append("RECOVERY PHASE writing blocks=").AppendDecimal((ulong)blocks).WriteLine(_console);

    public void Write(in RecoveryResult recovery)
    {
        FlashWriteResult write = recovery.Write;
        new ConsoleLine(stackalloc char[LineLength]).Append("RECOVERY WRITE recovery=").Append(FirmwareNames.Recovery(recovery.Status))
            .Append(" result=").Append(FirmwareNames.WriteStatus(write.Status))
            .Append(" block=").AppendDecimal((long)write.Block).Append(" written=").AppendDecimal((ulong)write.BlocksWritten)
            .Append(" erases=").AppendDecimal((ulong)write.Erases).Append(" retries=").AppendDecimal((ulong)write.Retries)
            .WriteLine(_console);
    }

    /// <summary>The region's SHA-256 as 64 lower-case hex digits (sha256sum's form); all zero when the final check did not run.</summary>
    public void WriteDetail(FlashWriteMode mode, in FlashWriteResult write, long writeMs, ReadOnlySpan<byte> regionDigest)
    {
        Span<char> digest = stackalloc char[2 * UefiRecovery.Core.Crypto.Sha256.DigestSize];
        int digestLength = FormatHex(regionDigest, digest);
        new ConsoleLine(stackalloc char[LineLength]).Append("RECOVERY WRITE-DETAIL mode=").Append(mode == FlashWriteMode.AllBlocks ? "all" : "changed")
            .Append(" skipped=").AppendDecimal((ulong)write.BlocksSkipped).Append(" in-place=").AppendDecimal((ulong)write.BlocksProgrammedInPlace)
            .Append(" bytes=").AppendDecimal((ulong)write.BytesProgrammed).Append(" header-erased=").Append(write.HeaderBlockErased ? "yes" : "no")
            .Append(" ms=").AppendDecimal((ulong)writeMs).Append(" region-sha256=").Append(digest.Slice(0, digestLength))
            .WriteLine(_console);
    }

    public void LeftGroup(uint group, bool sent)
    {
        new ConsoleLine(stackalloc char[LineLength]).Append("RECOVERY MULTICAST left group=").Append(new Ipv4Address(group))
            .Append(" leave=").Append(sent ? "sent" : "not-sent").WriteLine(_console);
    }

    public void Result(bool success, ResultReason reason, bool acknowledged) =>
        new ConsoleLine(stackalloc char[LineLength]).Append("RECOVERY RESULT outcome=").Append(success ? "success" : "failure")
            .Append(" reason=").AppendDecimal((ulong)reason).Append(" acked=").Append(acknowledged ? "yes" : "no").WriteLine(_console);

    public void Recovered() => new ConsoleLine(stackalloc char[LineLength]).Append("RECOVERY DONE verdict=recovered reason=none").WriteLine(_console);

    /// <summary>"RECOVERY DONE verdict=failed reason=REASON".</summary>
    public void Failed(ReadOnlySpan<char> reason) =>
        new ConsoleLine(stackalloc char[LineLength]).Append("RECOVERY DONE verdict=failed reason=").Append(reason).WriteLine(_console);

    /// <summary>"RECOVERY DONE verdict=failed reason=fvb-NAME" after <see cref="FvbCallFailed"/>.</summary>
    public void FailedFvb(FvbTestFault call) =>
        new ConsoleLine(stackalloc char[LineLength]).Append("RECOVERY DONE verdict=failed reason=fvb-").Append(FvbTestFaultNames.Name(call)).WriteLine(_console);

    /// <summary>"RECOVERY DONE verdict=failed reason=REASON status=N" (client-setup, capsule-parse).</summary>
    public void Failed(ReadOnlySpan<char> reason, ulong status) =>
        new ConsoleLine(stackalloc char[LineLength]).Append("RECOVERY DONE verdict=failed reason=").Append(reason)
            .Append(" status=").AppendDecimal(status).WriteLine(_console);

    public void FailedDeadline(uint seconds, ClientSession client) =>
        new ConsoleLine(stackalloc char[LineLength]).Append("RECOVERY DONE verdict=failed reason=deadline seconds=")
            .AppendDecimal((ulong)seconds).Append(" requests=").AppendDecimal((ulong)client.RequestsSent)
            .Append(" held=").AppendDecimal((ulong)client.FragmentsHeld).WriteLine(_console);

    // Entry <paramref name="index"/> of a list: a comma before all but the first, then the first 4 bytes as
    // 8 lower-case hex digits, as sha256sum prints the start of a hash.
    private static void AppendShortHash(ref ConsoleLine text, int index, ReadOnlySpan<byte> hash)
    {
        Span<char> shown = stackalloc char[8];
        int length = FormatHex(hash.Slice(0, Math.Min(hash.Length, 4)), shown);
        if (index > 0)
            text.Append(",");
        text.Append(shown.Slice(0, length));
    }

    private static int FormatHex(ReadOnlySpan<byte> bytes, Span<char> destination)
    {
        const string digits = "0123456789abcdef";
        int length = Math.Min(bytes.Length, destination.Length / 2);
        for (int i = 0; i < length; i++)
        {
            destination[2 * i] = digits[bytes[i] >> 4];
            destination[2 * i + 1] = digits[bytes[i] & 0xF];
        }
        return 2 * length;
    }

    private static string StatusName(CapsuleStatus status) => status switch
    {
        CapsuleStatus.PublicKeyNotTrusted => "PublicKeyNotTrusted",
        CapsuleStatus.SignatureInvalid => "SignatureInvalid",
        CapsuleStatus.ImageTypeMismatch => "ImageTypeMismatch",
        CapsuleStatus.RollbackBelowStoredLowestSupported => "RollbackBelowStoredLowestSupported",
        CapsuleStatus.PayloadTooLarge => "PayloadTooLarge",
        CapsuleStatus.Pkcs7NoTrustedRoot => "Pkcs7NoTrustedRoot",
        CapsuleStatus.Pkcs7VerificationFailed => "Pkcs7VerificationFailed",
        _ => "other",
    };
}
