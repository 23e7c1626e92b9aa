using NatPolicy;
using NatPolicy.Core;
using NatPolicy.Envs;
using NatPolicy.Examples;
using static System.FormattableString;

// Register the env once; from here on the library and the verbs treat it like a built-in one.
EnvRegistry.Register(new EnvSpec("PointMass-v0", MaxEpisodeSteps: 100, RewardThreshold: -5), () => new PointMassEnv());

// With arguments, this program is natpolicy for PointMass-v0: `NatPolicy.Examples train --env PointMass-v0 --algo npg`.
if (args.Length > 0) return NatPolicy.Cli.Cli.Run(args, Console.Out, Console.Error);

var agent = Agent.Create("PointMass-v0", "npg", seed: 1);
double random = agent.Evaluate(episodes: 20, deterministic: false).Mean;   // the untrained, random policy
agent.Learn(20_000, onIteration: it => Console.WriteLine(Invariant($"iteration {it.Iteration}: return {it.ReturnMean:F2}")));
var learned = agent.Evaluate(episodes: 20);
Console.WriteLine(Invariant($"random policy: return {random:F2}"));
Console.WriteLine(Invariant($"learned policy: return {learned.Mean:F2} ± {learned.Std:F2} (threshold {EnvRegistry.Spec("PointMass-v0").RewardThreshold})"));

agent.Save("results/pointmass-policy.json");
var reloaded = Agent.Load("results/pointmass-policy.json");
double[] observation = [0.5, -0.8];
double[] action = reloaded.Predict(observation);
Console.WriteLine(Invariant($"reloaded policy at ({observation[0]}, {observation[1]}): action ({action[0]:F3}, {action[1]:F3})"));
return learned.Mean > random ? 0 : 1;
