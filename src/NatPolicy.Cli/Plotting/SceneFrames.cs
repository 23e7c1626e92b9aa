using System.Globalization;
using NatPolicy.Experiments.Rendering;
using SkiaSharp;

namespace NatPolicy.Cli.Plotting;

/// <summary>
/// A <see cref="Scene"/> as one PNG per frame (<c>frame_00000.png</c>, … in frame order, Width×Height pixels),
/// drawn with Skia the way <see cref="SvgAnimation"/> writes it (offset, translation, then clockwise rotation per part).
/// Each file is written to NAME.tmp and renamed.
/// </summary>
public static class SceneFrames
{
    /// <summary>The file name of frame <paramref name="k"/>.</summary>
    public static string FileName(int k) => "frame_" + k.ToString("D5", CultureInfo.InvariantCulture) + ".png";

    /// <summary>Writes every frame into <paramref name="dir"/> (created) and returns how many it wrote.</summary>
    public static int Write(Scene scene, string dir)
    {
        Directory.CreateDirectory(dir);
        using var bitmap = new SKBitmap(scene.Width, scene.Height);
        using var canvas = new SKCanvas(bitmap);
        using var paint = new SKPaint { IsAntialias = true };
        for (int k = 0; k < scene.Frames; k++)
        {
            canvas.Clear(SKColors.White);
            foreach (var s in scene.Static) Draw(canvas, s, paint);
            foreach (var p in scene.Parts) Draw(canvas, p, k, paint);
            canvas.Flush();
            string path = Path.Combine(dir, FileName(k)), tmp = path + ".tmp";
            using (var pixels = bitmap.PeekPixels())
            using (var data = pixels.Encode(FigureWriter.PngEncoding))
            using (var file = File.Create(tmp))
            {
                data.SaveTo(file);
            }
            File.Move(tmp, path, overwrite: true);
        }
        return scene.Frames;
    }

    private static void Draw(SKCanvas canvas, Part part, int k, SKPaint paint)
    {
        canvas.Save();
        canvas.Translate((float)(part.OffsetX + (part.X?[k] ?? 0)), (float)(part.OffsetY + (part.Y?[k] ?? 0)));
        if (part.Degrees is { } deg) canvas.RotateDegrees((float)deg[k]);
        foreach (var s in part.Shapes) Draw(canvas, s, paint);
        foreach (var c in part.Children) Draw(canvas, c, k, paint);
        canvas.Restore();
    }

    private static void Draw(SKCanvas canvas, Shape shape, SKPaint paint)
    {
        paint.Color = SKColor.Parse(shape.Fill);
        paint.Style = shape is PolylineShape ? SKPaintStyle.Stroke : SKPaintStyle.Fill;
        paint.StrokeWidth = 1;
        switch (shape)
        {
            case RectShape r:
                canvas.DrawRect((float)r.X, (float)r.Y, (float)r.Width, (float)r.Height, paint);
                break;
            case CircleShape c:
                canvas.DrawCircle((float)c.Cx, (float)c.Cy, (float)c.R, paint);
                break;
            case PolygonShape or PolylineShape:
                var points = shape is PolygonShape g ? g.Points : ((PolylineShape)shape).Points;
                using (var path = new SKPath())
                {
                    path.MoveTo((float)points[0].X, (float)points[0].Y);
                    for (int i = 1; i < points.Count; i++) path.LineTo((float)points[i].X, (float)points[i].Y);
                    if (shape is PolygonShape) path.Close();
                    canvas.DrawPath(path, paint);
                }
                break;
            default:
                throw new ArgumentException($"unknown shape {shape.GetType().Name}");
        }
    }
}
