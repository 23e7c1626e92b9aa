using NatPolicy.Agents.Training;
using NatPolicy.Envs;

namespace NatPolicy.Cli;

/// <summary>
/// Resolves a run's config: per-env defaults ← <c>--config FILE.json</c> ← flags. Every problem becomes a
/// <see cref="UsageException"/> naming the bad value.
/// </summary>
public static class ConfigResolver
{
    /// <summary>Reads and checks the JSON of <c>--config</c>, if given.</summary>
    public static string? ReadConfigFile(string? path)
    {
        if (path is null) return null;
        if (!File.Exists(path)) throw new UsageException($"--config: file '{path}' does not exist");
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException e)
        {
            throw new UsageException($"--config: cannot read '{path}' ({e.Message})");
        }
    }

    /// <param name="envFlag">--env, or null.</param>
    /// <param name="algoFlag">--algo, or null.</param>
    /// <param name="configJson">The config file's text, or null.</param>
    /// <param name="configPath">For messages.</param>
    /// <param name="flags">Further flag overrides applied last.</param>
    public static TrainConfig Resolve(string? envFlag, string? algoFlag, string? configJson, string? configPath,
        Func<TrainConfig, TrainConfig> flags)
    {
        try
        {
            // Env and algo pick the defaults, so read them from the file first when the flags do not give them.
            var fromFile = configJson is null ? null : TrainConfig.Overlay(new TrainConfig(), configJson, configPath ?? "config");
            string env = envFlag ?? fromFile?.EnvId ?? throw new UsageException("--env is required (or env_id in --config)");
            string algo = algoFlag ?? fromFile?.Algo ?? throw new UsageException($"--algo is required; allowed: {string.Join(", ", TrainConfig.Algos)}");
            CheckEnv(env);
            if (!TrainConfig.Algos.Contains(algo))
                throw new UsageException($"unknown algo '{algo}'; allowed: {string.Join(", ", TrainConfig.Algos)}");
            var config = TrainConfig.Defaults(env, algo);
            if (configJson is not null) config = TrainConfig.Overlay(config, configJson, configPath ?? "config");
            config = flags(config with { EnvId = env, Algo = algo });
            CheckEnv(config.EnvId);
            if (config.Problems().FirstOrDefault() is { } problem) throw new UsageException(problem);
            return config;
        }
        catch (ConfigException e)
        {
            throw new UsageException(e.Message);
        }
    }

    public static void CheckEnv(string env)
    {
        if (!EnvRegistry.Ids.Contains(env))
            throw new UsageException($"unknown env '{env}'; valid ids: {string.Join(", ", EnvRegistry.Ids)}");
    }
}
