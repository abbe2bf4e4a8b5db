namespace UefiRecovery.Efi.Services.Storage;

/// <summary>What <see cref="VolumeFileReader.TryRead"/> found.</summary>
internal enum VolumeFileStatus : byte
{
    None = 0,
    /// <summary>The whole file is in the buffer.</summary>
    Read,
    /// <summary>No volume has the file (or the firmware lists no file system at all).</summary>
    NotFound,
    /// <summary>The file is larger than the buffer: not read further, not used.</summary>
    TooLarge,
    /// <summary>The file exists but a read failed.</summary>
    ReadFailed,
}
