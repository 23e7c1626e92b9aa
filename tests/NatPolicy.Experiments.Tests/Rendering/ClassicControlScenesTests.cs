using NatPolicy.Experiments.Rendering;

namespace NatPolicy.Experiments.Tests.Rendering;

/// <summary>The scenes put the moving ends where Gymnasium's render() draws them (its formulas, y flipped).</summary>
[Trait("Category", "Env")]
public sealed class ClassicControlScenesTests
{
    private static readonly double[][] Angles = [[0.0], [0.3], [-1.2], [2.9]];

    /// <summary>Where local point <paramref name="p"/> of the last part of <paramref name="chain"/> lands on screen in frame k (SVG: offset, translate, rotate).</summary>
    private static (double X, double Y) Screen(IReadOnlyList<Part> chain, int k, (double X, double Y) p)
    {
        for (int i = chain.Count - 1; i >= 0; i--)
        {
            var part = chain[i];
            double a = (part.Degrees?[k] ?? 0) * Math.PI / 180;
            p = (p.X * Math.Cos(a) - p.Y * Math.Sin(a), p.X * Math.Sin(a) + p.Y * Math.Cos(a));
            p = (p.X + part.OffsetX + (part.X?[k] ?? 0), p.Y + part.OffsetY + (part.Y?[k] ?? 0));
        }
        return p;
    }

    /// <summary>pygame's Vector2.rotate_rad.</summary>
    private static (double X, double Y) Rotate((double X, double Y) v, double a) =>
        (v.X * Math.Cos(a) - v.Y * Math.Sin(a), v.X * Math.Sin(a) + v.Y * Math.Cos(a));

    private static void Near((double X, double Y) expected, (double X, double Y) actual, string what)
    {
        Assert.True(Math.Abs(expected.X - actual.X) < 1e-9 && Math.Abs(expected.Y - actual.Y) < 1e-9,
            $"{what}: Gymnasium ({expected.X}, {expected.Y}), scene ({actual.X}, {actual.Y})");
    }

    [Fact]
    public void CartPoleTipFollowsXAndTheta()
    {
        double[][] states = [[0, 0, 0, 0], [1.1, 0, 0.2, 0], [-2, 0, -0.19, 0]];
        var scene = ClassicControlScenes.For("CartPole-v1", states);
        var cart = scene.Parts[0];
        var pole = cart.Children[0];
        Assert.Equal((600, 400, 50, 3), (scene.Width, scene.Height, scene.Fps, scene.Frames));
        for (int k = 0; k < states.Length; k++)
        {
            double x = states[k][0] * 125 + 300, len = 125 - 5;
            var tip = Rotate((0, len), -states[k][2]);
            Near((tip.X + x, 400 - (tip.Y + 100 + 7.5)), Screen([cart, pole], k, (0, -len)), $"pole tip, frame {k}");
        }
    }

    [Fact]
    public void AcrobotSecondLinkEndsAtP2()
    {
        double[][] states = [[0, 0, 0, 0], [0.4, -1.3, 0, 0], [3.0, 2.2, 0, 0]];
        var scene = ClassicControlScenes.For("Acrobot-v1", states);
        var link1 = scene.Parts[0];
        var link2 = link1.Children[0];
        double scale = 500 / 4.4;
        Assert.Equal(15, scene.Fps);
        for (int k = 0; k < states.Length; k++)
        {
            double s0 = states[k][0], s1 = states[k][1];
            (double X, double Y) p1 = (-Math.Cos(s0) * scale, Math.Sin(s0) * scale);
            (double X, double Y) p2 = (p1.X - Math.Cos(s0 + s1) * scale, p1.Y + Math.Sin(s0 + s1) * scale);
            // acrobot.py swaps the columns ([:, ::-1]) and adds the offset 250.
            Near((p1.Y + 250, 500 - (p1.X + 250)), Screen([link1], k, (scale, 0)), $"joint, frame {k}");
            Near((p2.Y + 250, 500 - (p2.X + 250)), Screen([link1, link2], k, (scale, 0)), $"tip, frame {k}");
        }
    }

    [Theory]
    [InlineData("MountainCar-v0", -1.2, 0.6)]
    [InlineData("MountainCarContinuous-v0", -1.2, 0.6)]
    public void MountainCarWheelSitsOnTheHill(string env, double min, double max)
    {
        double[][] states = [[-0.5, 0], [0.3, 0], [-1.1, 0]];
        var scene = ClassicControlScenes.For(env, states);
        var car = scene.Parts[0];
        var body = car.Children[0];
        double scale = 600 / (max - min);
        for (int k = 0; k < states.Length; k++)
        {
            double pos = states[k][0];
            var wheel = Rotate((40 / 4.0, 0), Math.Cos(3 * pos));
            var expected = (wheel.X + (pos - min) * scale, 400 - (wheel.Y + 10 + (Math.Sin(3 * pos) * 0.45 + 0.55) * scale));
            Near(expected, Screen([car, body], k, (10, 0)), $"front wheel, frame {k}");
        }
    }

    [Fact]
    public void PendulumRodEndFollowsTheta()
    {
        var scene = ClassicControlScenes.For("Pendulum-v1", Angles.Select(a => new[] { a[0], 0.0 }).ToArray());
        var rod = scene.Parts[0];
        double scale = 500 / 4.4;
        for (int k = 0; k < Angles.Length; k++)
        {
            var end = Rotate((scale, 0), Angles[k][0] + Math.PI / 2);
            Near((end.X + 250, 500 - (end.Y + 250)), Screen([rod], k, (scale, 0)), $"rod end, frame {k}");
        }
        // θ = 0 is upright: the rod end is straight above the axle.
        Near((250, 250 - scale), Screen([rod], 0, (scale, 0)), "upright");
    }

    [Fact]
    public void UnknownEnvIsRefused() =>
        Assert.Throws<ArgumentException>(() => ClassicControlScenes.For("PointMass-v0", [[0.0]]));
}
