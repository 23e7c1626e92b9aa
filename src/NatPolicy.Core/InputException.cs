namespace NatPolicy.Core;

/// <summary>
/// Bad input from the user: a flag, config value, file or folder that cannot be used as given. The message is one
/// line naming the value and what is allowed; the CLI prints it without a stack trace and exits with code 2, and
/// nothing has been written when it is thrown. Every library's own refusal (config, run folder, comparison, usage)
/// derives from this type, so one error boundary tells bad input (exit 2) from a failure of the surroundings (exit 1).
/// </summary>
public class InputException(string message) : Exception(message);
