Console.Error.WriteLine("platform-audit: not built yet");
return 2;
