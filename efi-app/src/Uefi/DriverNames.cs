using UefiRecovery.Efi.Uefi.Raw;

namespace UefiRecovery.Efi.Uefi;

/// <summary>
/// Names the drivers around a protocol's handle (an SNP handle: <see cref="SimpleNetworkHandles"/>) through
/// EFI_COMPONENT_NAME2_PROTOCOL (UEFI 2.10 §11.5).
/// <list type="bullet">
/// <item>The <b>producer</b> (the NIC driver) is the agent that opened a protocol of the parent
/// controller BY_CHILD_CONTROLLER with the SNP handle as child (UEFI 2.10 §7.3, OpenProtocol;
/// VirtioNetDxe opens VIRTIO_DEVICE_PROTOCOL that way, iPXE the parent's device path). This works for
/// both, where the SNP handle's own device path (PciRoot/Pci/MAC) says nothing about the driver.</item>
/// <item>The <b>consumer</b> is the agent holding the protocol itself BY_DRIVER: for SNP, MnpDxe, until the
/// exclusive open disconnects it.</item>
/// </list>
/// Each runs once at setup; every pool buffer the firmware hands out is freed again.
/// </summary>
internal static unsafe class DriverNames
{
    /// <summary>Copies the producer's name into <paramref name="name"/>; false when none is found.</summary>
    public static bool TryGetProducer(BootServices* boot, void* imageHandle, void* snpHandle, Span<char> name, out int length)
    {
        length = 0;
        void* agent = FindChildControllerAgent(boot, snpHandle);
        return agent != null && TryGetDriverName(boot, imageHandle, agent, name, out length);
    }

    /// <summary>Copies the name of the driver that has <paramref name="guid"/> open BY_DRIVER (for SNP: MnpDxe) into <paramref name="name"/>.</summary>
    public static bool TryGetConsumer(BootServices* boot, void* imageHandle, void* snpHandle, EfiGuid guid, Span<char> name, out int length)
    {
        length = 0;
        OpenProtocolInformationEntry* entries = null;
        nuint count = 0;
        if (boot->OpenProtocolInformation(snpHandle, &guid, &entries, &count).IsError || entries == null)
            return false;
        void* agent = null;
        for (nuint i = 0; i < count; i++)
        {
            if ((entries[i].Attributes & OpenProtocolAttributes.ByDriver) != 0)
            {
                agent = entries[i].AgentHandle;
                break;
            }
        }
        boot->FreePool(entries);
        return agent != null && TryGetDriverName(boot, imageHandle, agent, name, out length);
    }

    // Every handle, every protocol on it: who opened it BY_CHILD_CONTROLLER for our SNP handle?
    private static void* FindChildControllerAgent(BootServices* boot, void* snpHandle)
    {
        nuint handleCount = 0;
        void** handles = null;
        if (boot->LocateHandleBuffer(LocateSearchType.AllHandles, null, null, &handleCount, &handles).IsError || handles == null)
            return null;

        void* agent = null;
        for (nuint h = 0; h < handleCount && agent == null; h++)
        {
            void* handle = handles[h];
            if (handle == snpHandle)
                continue;
            EfiGuid** guids = null;
            nuint guidCount = 0;
            if (boot->ProtocolsPerHandle(handle, &guids, &guidCount).IsError || guids == null)
                continue;
            for (nuint g = 0; g < guidCount && agent == null; g++)
            {
                OpenProtocolInformationEntry* entries = null;
                nuint entryCount = 0;
                if (boot->OpenProtocolInformation(handle, guids[g], &entries, &entryCount).IsError || entries == null)
                    continue;
                for (nuint e = 0; e < entryCount; e++)
                {
                    if ((entries[e].Attributes & OpenProtocolAttributes.ByChildController) != 0 &&
                        entries[e].ControllerHandle == snpHandle)
                    {
                        agent = entries[e].AgentHandle;
                        break;
                    }
                }
                boot->FreePool(entries);
            }
            boot->FreePool(guids);
        }
        boot->FreePool(handles);
        return agent;
    }

    private static bool TryGetDriverName(BootServices* boot, void* imageHandle, void* driverHandle, Span<char> name, out int length)
    {
        length = 0;
        EfiGuid guid = ComponentName2Protocol.Guid;
        void* iface = null;
        if (boot->OpenProtocol(driverHandle, &guid, &iface, imageHandle, null, OpenProtocolAttributes.GetProtocol).IsError || iface == null)
            return false;
        var componentName = (ComponentName2Protocol*)iface;

        // "en" first; otherwise the driver's first supported language (up to ';').
        byte* language = stackalloc byte[16];
        language[0] = (byte)'e';
        language[1] = (byte)'n';
        language[2] = 0;
        char* text = null;
        bool found = !componentName->GetDriverName(componentName, language, &text).IsError && text != null;
        if (!found && componentName->SupportedLanguages != null)
        {
            int n = 0;
            byte* supported = componentName->SupportedLanguages;
            while (n < 15 && supported[n] != 0 && supported[n] != (byte)';')
            {
                language[n] = supported[n];
                n++;
            }
            language[n] = 0;
            text = null;
            found = n > 0 && !componentName->GetDriverName(componentName, language, &text).IsError && text != null;
        }
        boot->CloseProtocol(driverHandle, &guid, imageHandle, null);
        if (!found)
            return false;

        // Printable ASCII only, so the name can sit in a greppable line.
        while (length < name.Length && text[length] != '\0')
        {
            char c = text[length];
            name[length] = c >= ' ' && c < (char)0x7F && c != '"' ? c : '?';
            length++;
        }
        return true;
    }
}
