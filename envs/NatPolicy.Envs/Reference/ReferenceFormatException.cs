namespace NatPolicy.Envs.Reference;

/// <summary>A reference file is missing, unreadable or malformed. The message is one line naming the file and the problem.</summary>
public sealed class ReferenceFormatException(string message, Exception? inner = null) : Exception(message, inner);
