namespace UefiRecovery.Efi.Modes.SelfTest;

internal static class StringChecks
{
    public static void Run(ISelfTestSink sink)
    {
        string hello = "hello";
        sink.Check("string.literal-length", hello.Length == 5 && "".Length == 0);
        sink.Check("string.indexer", hello[0] == 'h' && hello[4] == 'o');
        sink.Check("string.equality", hello == "hello" && hello != "hellO" && hello != "hell");
        string? nothing = null;
        sink.Check("string.equality-null", nothing == null && nothing != hello);
        sink.Check("string.equals-method", hello.Equals("hello") && !hello.Equals("world"));
        sink.Check("string.as-span", hello.AsSpan(1, 3).SequenceEqual("ell".AsSpan()));
        sink.Check("string.switch", Classify("beta") == 2 && Classify("zeta") == 0);
    }

    // A string switch compiles to length and character tests (and a hash for larger switches).
    private static int Classify(string name)
    {
        switch (name)
        {
            case "alpha": return 1;
            case "beta": return 2;
            case "gamma": return 3;
            case "delta": return 4;
            case "epsilon": return 5;
            case "eta": return 6;
            case "theta": return 7;
            default: return 0;
        }
    }
}
