using UefiRecovery.Efi.Uefi.Raw;

namespace UefiRecovery.Efi.Uefi;

/// <summary>
/// The safe layer over EFI_BOOT_SERVICES: one raw call per method, then one conversion of the status
/// (<see cref="EfiResult.From(EfiStatus)"/>). Out-values are handed on only after a success.
/// Valid until ExitBootServices, which this app never calls.
/// </summary>
public readonly unsafe struct UefiBootServices
{
    private readonly BootServices* raw;

    /// <param name="raw">SystemTable.BootServices.</param>
    /// <param name="imageHandle">This image's handle: the agent recorded for every protocol it opens.</param>
    public UefiBootServices(BootServices* raw, EfiHandle imageHandle)
    {
        this.raw = raw;
        ImageHandle = imageHandle;
    }

    public BootServices* Raw => raw;

    public EfiHandle ImageHandle { get; }

    /// <summary>
    /// Opens <typeparamref name="T"/> on <paramref name="handle"/> with EFI_OPEN_PROTOCOL_EXCLUSIVE,
    /// agent = this image. The firmware first disconnects drivers that hold the protocol BY_DRIVER
    /// (for SNP: MnpDxe, which would otherwise take received frames). Closed on Dispose.
    /// </summary>
    public ProtocolScope<T> OpenExclusive<T>(EfiHandle handle) where T : unmanaged, IUefiProtocol =>
        Open<T>(handle, OpenProtocolAttributes.Exclusive);

    /// <summary>
    /// Opens <typeparamref name="T"/> with EFI_OPEN_PROTOCOL_GET_PROTOCOL: a look at the interface
    /// without taking it from anyone (the HandleProtocol replacement of §7.3). Closed on Dispose.
    /// </summary>
    public ProtocolScope<T> OpenGetProtocol<T>(EfiHandle handle) where T : unmanaged, IUefiProtocol =>
        Open<T>(handle, OpenProtocolAttributes.GetProtocol);

    /// <summary>
    /// OpenProtocol for an open the caller holds beyond one frame (a device kept open for a whole run);
    /// <paramref name="protocol"/> is null unless this succeeds. Give it back with <see cref="CloseProtocol{T}"/>.
    /// </summary>
    internal EfiStatus OpenProtocol<T>(EfiHandle handle, OpenProtocolAttributes attributes, out T* protocol) where T : unmanaged, IUefiProtocol
    {
        EfiGuid guid = T.Guid;
        void* iface = null;
        EfiStatus status = raw->OpenProtocol(handle.Value, &guid, &iface, ImageHandle.Value, null, attributes);
        protocol = EfiResult.From(status).IsSuccess && iface != null ? (T*)iface : null;
        return status;
    }

    /// <summary>CloseProtocol for an <see cref="OpenProtocol{T}"/> of this image (agent = this image, no controller).</summary>
    internal EfiResult CloseProtocol<T>(EfiHandle handle) where T : unmanaged, IUefiProtocol
    {
        EfiGuid guid = T.Guid;
        return EfiResult.From(raw->CloseProtocol(handle.Value, &guid, ImageHandle.Value, null));
    }

    private ProtocolScope<T> Open<T>(EfiHandle handle, OpenProtocolAttributes attributes) where T : unmanaged, IUefiProtocol
    {
        EfiGuid guid = T.Guid;
        void* agent = ImageHandle.Value;
        void* iface = null;
        EfiStatus status = raw->OpenProtocol(handle.Value, &guid, &iface, agent, null, attributes);
        if (!EfiResult.From(status).IsSuccess || iface == null)
        {
            return new ProtocolScope<T>(status, raw, handle.Value, agent, null, null);
        }

        return new ProtocolScope<T>(status, raw, handle.Value, agent, null, (T*)iface);
    }

    /// <summary>All handles that carry <typeparamref name="T"/> (LocateHandleBuffer, ByProtocol). Dispose frees the array.</summary>
    public HandleBuffer LocateHandleBuffer<T>() where T : unmanaged, IUefiProtocol
    {
        EfiGuid guid = T.Guid;
        nuint count = 0;
        void** buffer = null;
        EfiStatus status = raw->LocateHandleBuffer(LocateSearchType.ByProtocol, &guid, null, &count, &buffer);
        if (!EfiResult.From(status).IsSuccess || buffer == null)
        {
            return new HandleBuffer(status, raw, null, 0);
        }

        if (count > int.MaxValue)
        {
            raw->FreePool(buffer);
            return new HandleBuffer(EfiStatus.BadBufferSize, raw, null, 0);
        }

        return new HandleBuffer(status, raw, buffer, (int)count);
    }

    /// <summary>
    /// The first interface of <typeparamref name="T"/> in the handle database (LocateProtocol), for
    /// singleton protocols such as CPU I/O 2. <paramref name="protocol"/> is null unless this succeeds.
    /// </summary>
    public EfiResult LocateProtocol<T>(out T* protocol) where T : unmanaged, IUefiProtocol
    {
        EfiGuid guid = T.Guid;
        void* iface = null;
        EfiResult result = EfiResult.From(raw->LocateProtocol(&guid, null, &iface));
        protocol = result.IsSuccess ? (T*)iface : null;
        return result;
    }

    /// <summary>Busy-waits at least <paramref name="microseconds"/> (Stall, §7.5).</summary>
    public EfiResult Stall(nuint microseconds) => EfiResult.From(raw->Stall(microseconds));

    /// <summary>
    /// Turns the boot-manager watchdog off (SetWatchdogTimer with 0, §7.5). The firmware arms a
    /// 5-minute watchdog before starting a boot option, and a recovery may take longer.
    /// </summary>
    public EfiResult DisableWatchdog() => EfiResult.From(raw->SetWatchdogTimer(0, 0, 0, null));

    /// <summary>GetNextMonotonicCount (§7.5).</summary>
    public EfiResult<ulong> GetNextMonotonicCount()
    {
        ulong count = 0;
        EfiStatus status = raw->GetNextMonotonicCount(&count);
        return EfiResult<ulong>.From(status, count);
    }

    /// <summary>AllocatePool (§7.2). <paramref name="buffer"/> is null unless this succeeds.</summary>
    public EfiResult AllocatePool(MemoryType type, nuint size, out void* buffer)
    {
        void* allocated = null;
        EfiResult result = EfiResult.From(raw->AllocatePool(type, size, &allocated));
        buffer = result.IsSuccess ? allocated : null;
        return result;
    }

    public EfiResult FreePool(void* buffer) => EfiResult.From(raw->FreePool(buffer));

    /// <summary>AllocatePages anywhere (§7.2); returns the physical (identity-mapped) address.</summary>
    public EfiResult<ulong> AllocatePages(MemoryType type, nuint pages)
    {
        ulong address = 0;
        EfiStatus status = raw->AllocatePages(AllocateType.AnyPages, type, pages, &address);
        return EfiResult<ulong>.From(status, address);
    }

    public EfiResult FreePages(ulong address, nuint pages) => EfiResult.From(raw->FreePages(address, pages));

    /// <summary>CheckEvent (§7.1): success when signalled; EFI_NOT_READY (an error here) when not.</summary>
    public EfiResult CheckEvent(void* evt) => EfiResult.From(raw->CheckEvent(evt));

    /// <summary>
    /// ConnectController (§7.3) with no driver list and no remaining device path: the firmware connects every
    /// driver that wants <paramref name="controller"/> (and, when <paramref name="recursive"/>, its children).
    /// </summary>
    public EfiResult ConnectController(EfiHandle controller, bool recursive) =>
        EfiResult.From(raw->ConnectController(controller.Value, null, null, recursive ? (byte)1 : (byte)0));

    /// <summary>
    /// The memory-map descriptor (§7.2 GetMemoryMap) whose range holds <paramref name="address"/>. EFI_NOT_FOUND
    /// when the map was read and no descriptor holds it; another failure when the map could not be read.
    /// The map is read into pool memory that is freed again.
    /// </summary>
    public EfiResult<MemoryDescriptor> FindMemoryDescriptor(ulong address)
    {
        const ulong PageSize = 4096;
        nuint mapSize = 0;
        nuint mapKey = 0;
        nuint descriptorSize = 0;
        uint descriptorVersion = 0;
        raw->GetMemoryMap(&mapSize, null, &mapKey, &descriptorSize, &descriptorVersion);
        if (mapSize == 0 || descriptorSize < (nuint)sizeof(MemoryDescriptor))
            return EfiResult<MemoryDescriptor>.Failure(EfiStatus.DeviceError);

        // The pool allocation itself may add descriptors: leave room for a few more.
        mapSize += 8 * descriptorSize;
        void* buffer = null;
        EfiStatus status = raw->AllocatePool(MemoryType.LoaderData, mapSize, &buffer);
        if (!EfiResult.From(status).IsSuccess || buffer == null)
            return EfiResult<MemoryDescriptor>.Failure(EfiResult.From(status).IsSuccess ? EfiStatus.OutOfResources : status);

        EfiResult<MemoryDescriptor> result;
        status = raw->GetMemoryMap(&mapSize, (MemoryDescriptor*)buffer, &mapKey, &descriptorSize, &descriptorVersion);
        if (!EfiResult.From(status).IsSuccess)
        {
            result = EfiResult<MemoryDescriptor>.Failure(status);
        }
        else
        {
            result = EfiResult<MemoryDescriptor>.Failure(EfiStatus.NotFound);
            for (nuint offset = 0; descriptorSize <= mapSize - offset; offset += descriptorSize)
            {
                MemoryDescriptor* descriptor = (MemoryDescriptor*)((byte*)buffer + offset);
                ulong start = descriptor->PhysicalStart;
                if (address >= start && address - start < descriptor->NumberOfPages * PageSize)
                {
                    result = EfiResult<MemoryDescriptor>.Success(status, *descriptor);
                    break;
                }
            }
        }

        raw->FreePool(buffer);
        return result;
    }
}
