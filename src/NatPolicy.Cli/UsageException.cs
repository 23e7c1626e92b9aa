using NatPolicy.Core;

namespace NatPolicy.Cli;

/// <summary>
/// Bad input from the user (unknown flag, bad value, missing file). Program prints its message as one line to
/// stderr, without a stack trace, and exits with code 2. The message names the bad value and what is allowed.
/// </summary>
public sealed class UsageException(string message) : InputException(message);
