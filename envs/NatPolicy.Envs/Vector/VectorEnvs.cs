using NatPolicy.Core;

namespace NatPolicy.Envs.Vector;

/// <summary>Factories for vector envs.</summary>
public static class VectorEnvs
{
    /// <summary><paramref name="count"/> copies of <c>EnvRegistry.Make(id)</c> (time-limited) in a <see cref="SyncVectorEnv"/>.</summary>
    public static SyncVectorEnv Make(string id, int count)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "a vector env needs at least one copy");
        var envs = new IEnv[count];
        for (int i = 0; i < count; i++) envs[i] = EnvRegistry.Make(id);
        return new SyncVectorEnv(envs);
    }
}
