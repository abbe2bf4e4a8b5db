namespace UefiRecovery.Efi.Services.Config;

/// <summary>What reading a file from the app's volume found (<see cref="EspConfigFile.ReadFile"/>).</summary>
internal enum EspFileStatus : byte
{
    Read = 0,
    Absent,
    NoVolume,
    TooLarge,
    ReadFailed,
}
