using System.Runtime.Versioning;

// The local transport and these tests need Linux (/proc, setsid, process groups, Unix modes).
[assembly: SupportedOSPlatform("linux")]
