namespace UefiRecovery.Efi.Services.Instruction;

/// <summary>Seconds since 1970-01-01 UTC from the firmware's real-time clock (GetTime, UEFI 2.10 §8.3.1).</summary>
internal static class RealTimeClock
{
    /// <summary>
    /// Now, in Unix seconds; false when the clock cannot be read or holds an impossible date. A TimeZone other than
    /// "unspecified" is minutes to add to local time for UTC (§8.3.1); unspecified is taken as UTC.
    /// </summary>
    public static bool TryGetUnixSeconds(UefiRuntimeServices runtime, out ulong seconds)
    {
        seconds = 0;
        if (!runtime.IsAvailable)
            return false;
        EfiResult<Time> read = runtime.GetTime();
        if (!read.IsSuccess)
            return false;
        Time t = read.Value;
        if (t.Year < 1970 || t.Year > 9999 || t.Month < 1 || t.Month > 12 || t.Day < 1 || t.Day > 31 || t.Hour > 23 || t.Minute > 59 || t.Second > 59)
            return false;
        long days = DaysFromCivil(t.Year, t.Month, t.Day);
        long total = days * 86400 + t.Hour * 3600 + t.Minute * 60 + t.Second;
        if (t.TimeZone != Time.UnspecifiedTimezone && t.TimeZone >= -1440 && t.TimeZone <= 1440)
            total += t.TimeZone * 60;
        if (total < 0)
            return false;
        seconds = (ulong)total;
        return true;
    }

    // Days since 1970-01-01 of a proleptic Gregorian date (the era arithmetic of H. Hinnant's days_from_civil).
    private static long DaysFromCivil(int year, int month, int day)
    {
        year -= month <= 2 ? 1 : 0;
        long era = year / 400;
        long yearOfEra = year - era * 400;
        long dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146097 + dayOfEra - 719468;
    }
}
