// The natpolicy tool: the verbs of the NatPolicy.Cli library with the built-in environments.
return NatPolicy.Cli.Cli.Run(args, Console.Out, Console.Error);
