using NatPolicy.Envs.Classic;

namespace NatPolicy.Experiments.Rendering;

/// <summary>
/// Gymnasium's classic-control <c>render()</c> pictures as <see cref="Scene"/>s: the same canvas sizes, scales,
/// shapes, colours and frame rates (<c>metadata["render_fps"]</c>) as cartpole.py, acrobot.py, mountain_car.py,
/// continuous_mountain_car.py and pendulum.py (Gymnasium 1.x), from the bare env's state per frame
/// (<c>env.unwrapped.state</c>). Gymnasium draws with y up and flips the surface; here y points down, so a
/// Gymnasium point (x, y) is (x, H − y) and a counter-clockwise rotation by a radians is a clockwise one by −a.
/// Not drawn: the pendulum's torque arrow (an image in Gymnasium).
/// </summary>
public static class ClassicControlScenes
{
    /// <summary>The env ids this class draws.</summary>
    public static IReadOnlyList<string> Envs { get; } =
        [CartPoleEnv.EnvId, AcrobotEnv.EnvId, MountainCarEnv.EnvId, MountainCarContinuousEnv.EnvId, PendulumEnv.EnvId];

    /// <summary>Whether <see cref="For"/> draws <paramref name="envId"/>.</summary>
    public static bool Draws(string envId) => Envs.Contains(envId);

    /// <summary>The scene of <paramref name="envId"/> showing <paramref name="states"/> (one frame each, in order).</summary>
    /// <exception cref="ArgumentException">The env is not one of <see cref="Envs"/>, or there are no states.</exception>
    public static Scene For(string envId, IReadOnlyList<double[]> states)
    {
        if (states.Count == 0) throw new ArgumentException("a scene needs at least one state");
        return envId switch
        {
            CartPoleEnv.EnvId => CartPole(states),
            AcrobotEnv.EnvId => Acrobot(states),
            MountainCarEnv.EnvId => MountainCar(envId, states, MountainCarEnv.MinPosition, MountainCarEnv.MaxPosition, MountainCarEnv.GoalPosition),
            MountainCarContinuousEnv.EnvId => MountainCar(envId, states, MountainCarContinuousEnv.MinPosition, MountainCarContinuousEnv.MaxPosition, MountainCarContinuousEnv.GoalPosition),
            PendulumEnv.EnvId => Pendulum(states),
            _ => throw new ArgumentException($"no picture of {envId}: render draws {string.Join(", ", Envs)}"),
        };
    }

    /// <summary>Radians (counter-clockwise, y up) to SVG degrees (clockwise, y down).</summary>
    private static double ScreenDegrees(double radians) => -radians * 180 / Math.PI;

    private static double[] Each(IReadOnlyList<double[]> states, Func<double[], double> f)
    {
        var v = new double[states.Count];
        for (int k = 0; k < v.Length; k++) v[k] = f(states[k]);
        return v;
    }

    /// <summary>cartpole.py: 600×400, 125 px per metre, cart 50×30 centred 100 px above the bottom, pole 10 × 125·2·length px, 50 fps.</summary>
    private static Scene CartPole(IReadOnlyList<double[]> states)
    {
        const int w = 600, h = 400;
        const double scale = w / (CartPoleEnv.XThreshold * 2), poleWidth = 10, poleLength = scale * (2 * CartPoleEnv.Length);
        const double cartWidth = 50, cartHeight = 30, axleOffset = cartHeight / 4, cartY = 100;
        var pole = new Part("pole", 0, -axleOffset,
        [
            new RectShape(-poleWidth / 2, -(poleLength - poleWidth / 2), poleWidth, poleLength, "#ca9865"),
            new CircleShape(0, 0, (int)(poleWidth / 2), "#8184cb"),
        ])
        {
            // pygame turns the pole by −θ: θ > 0 leans it right, a clockwise turn of θ on screen.
            Degrees = Each(states, s => ScreenDegrees(-s[2])),
        };
        var cart = new Part("cart", 0, h - cartY,
            [new RectShape(-cartWidth / 2, -cartHeight / 2, cartWidth, cartHeight, "#000000")])
        {
            X = Each(states, s => s[0] * scale + w / 2.0),
            Children = [pole],
        };
        return new Scene(CartPoleEnv.EnvId, w, h, 50, states.Count,
            [new PolylineShape([(0, h - cartY), (w, h - cartY)], "#000000")], [cart]);
    }

    /// <summary>acrobot.py: 500×500, bound 2.2 m, links 0.2 m wide (#00cccc) with a joint disc (#cccc00), the target line at 1 m, 15 fps.</summary>
    private static Scene Acrobot(IReadOnlyList<double[]> states)
    {
        const int dim = 500;
        const double bound = AcrobotEnv.LinkLength1 + AcrobotEnv.LinkLength2 + 0.2, scale = dim / (bound * 2), offset = dim / 2.0;
        const double half = 0.1 * scale;
        Shape[] Link(double length) => [new RectShape(0, -half, length, 2 * half, "#00cccc"), new CircleShape(0, 0, (int)half, "#cccc00")];
        // Gymnasium draws link i from its joint at angle (θ1 + … + θi) − π/2 with y up; link 2 hangs off link 1's end.
        var link2 = new Part("link2", AcrobotEnv.LinkLength1 * scale, 0, Link(AcrobotEnv.LinkLength2 * scale))
        {
            Degrees = Each(states, s => ScreenDegrees(s[1])),
        };
        var link1 = new Part("link1", offset, dim - offset, Link(AcrobotEnv.LinkLength1 * scale))
        {
            Degrees = Each(states, s => ScreenDegrees(s[0] - Math.PI / 2)),
            Children = [link2],
        };
        double lineY = dim - (1 * scale + offset);
        return new Scene(AcrobotEnv.EnvId, dim, dim, 15, states.Count,
            [new PolylineShape([(-2.2 * scale + offset, lineY), (2.2 * scale + offset, lineY)], "#000000")], [link1]);
    }

    /// <summary>
    /// mountain_car.py / continuous_mountain_car.py: 600×400, the hill sin(3x)·0.45 + 0.55 through 100 points, a 40×20
    /// car 10 px above it tilted by cos(3x) rad with two grey wheels, the goal flag (#cccc00), 30 fps.
    /// </summary>
    private static Scene MountainCar(string envId, IReadOnlyList<double[]> states, double min, double max, double goal)
    {
        const int w = 600, h = 400;
        const double carWidth = 40, carHeight = 20, clearance = 10;
        double scale = w / (max - min);
        static double Height(double x) => Math.Sin(3 * x) * 0.45 + 0.55;
        var hill = new (double, double)[100];
        for (int i = 0; i < hill.Length; i++)
        {
            double x = min + (max - min) * i / (hill.Length - 1);
            hill[i] = ((x - min) * scale, h - Height(x) * scale);
        }
        double flagX = (int)((goal - min) * scale), flagY1 = (int)(Height(goal) * scale), flagY2 = flagY1 + 50;
        Shape[] fixedShapes =
        [
            new PolylineShape(hill, "#000000"),
            new PolylineShape([(flagX, h - flagY1), (flagX, h - flagY2)], "#000000"),
            new PolygonShape([(flagX, h - flagY2), (flagX, h - (flagY2 - 10)), (flagX + 25, h - (flagY2 - 5))], "#cccc00"),
        ];
        double wheel = (int)(carHeight / 2.5);
        // The car's frame: translated to its position on the hill, then tilted; two nested parts, one motion each.
        var body = new Part("car-tilt", 0, 0,
        [
            new RectShape(-carWidth / 2, -carHeight, carWidth, carHeight, "#000000"),
            new CircleShape(carWidth / 4, 0, wheel, "#808080"),
            new CircleShape(-carWidth / 4, 0, wheel, "#808080"),
        ])
        {
            Degrees = Each(states, s => ScreenDegrees(Math.Cos(3 * s[0]))),
        };
        var carPart = new Part("car", 0, 0, [])
        {
            X = Each(states, s => (s[0] - min) * scale),
            Y = Each(states, s => h - (clearance + Height(s[0]) * scale)),
            Children = [body],
        };
        return new Scene(envId, w, h, 30, states.Count, fixedShapes, [carPart]);
    }

    /// <summary>pendulum.py: 500×500, bound 2.2, a 1 m rod 0.2 m wide (#cc4d4d) at angle θ + π/2 with round ends, a black axle, 30 fps.</summary>
    private static Scene Pendulum(IReadOnlyList<double[]> states)
    {
        const int dim = 500;
        const double bound = 2.2, scale = dim / (bound * 2), rodLength = 1 * scale, rodWidth = 0.2 * scale;
        const int offset = dim / 2;
        var rod = new Part("rod", offset, dim - offset,
        [
            new RectShape(0, -rodWidth / 2, rodLength, rodWidth, "#cc4d4d"),
            new CircleShape(0, 0, (int)(rodWidth / 2), "#cc4d4d"),
            new CircleShape(rodLength, 0, (int)(rodWidth / 2), "#cc4d4d"),
        ])
        {
            Degrees = Each(states, s => ScreenDegrees(s[0] + Math.PI / 2)),
        };
        var axle = new Part("axle", offset, dim - offset, [new CircleShape(0, 0, (int)(0.05 * scale), "#000000")]);
        return new Scene(PendulumEnv.EnvId, dim, dim, 30, states.Count, [], [rod, axle]);
    }
}
