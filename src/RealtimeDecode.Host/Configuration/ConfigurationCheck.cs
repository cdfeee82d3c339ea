using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Host.Configuration;

/// <summary>
/// Checks a session's merged configuration before anything is bound: every section and key must be one
/// that an options class declares (the valid keys are the public settable properties of the classes in
/// <see cref="Sections"/>, so a new option is valid as soon as it exists), and every value must convert to
/// its property's type. An unknown key is a one-line warning naming the nearest valid key (an error under
/// <c>--strict-config</c>); a value of the wrong type is always an error naming the key and where it came from.
/// </summary>
internal static class ConfigurationCheck
{
    /// <summary>The sections a session reads and the class each binds to; null: free-form (read by its own library).</summary>
    public static readonly IReadOnlyDictionary<string, Type?> Sections = new Dictionary<string, Type?>(StringComparer.OrdinalIgnoreCase)
    {
        ["Session"] = typeof(SessionSettings),
        ["Live"] = typeof(LiveOptions),
        ["Dashboard"] = typeof(Dashboard.DashboardOptions),
        ["Feedback"] = typeof(Dashboard.FeedbackOptions),
        ["Lsl"] = typeof(Lsl.LslOptions),
        ["Motion"] = typeof(Dashboard.MotionThresholdOptions),
        ["Serilog"] = null,
    };

    /// <summary>Top-level keys that the environment brings in through the <c>RTDECODE_</c> prefix without being settings.</summary>
    private static readonly HashSet<string> EnvironmentOnly = new(StringComparer.OrdinalIgnoreCase) { "DEBUG" };

    /// <summary>
    /// Checks <paramref name="config"/>; warnings go to <paramref name="warnings"/>, one line each.
    /// </summary>
    /// <exception cref="InputDataException">A value of the wrong type, or (strict) an unknown key.</exception>
    public static void Check(IConfigurationRoot config, bool strict, TextWriter warnings)
    {
        foreach (var section in config.GetChildren())
        {
            if (!Sections.TryGetValue(section.Key, out var type))
            {
                if (!EnvironmentOnly.Contains(section.Key)) Unknown(config, section.Path, section.Key, Sections.Keys, strict, warnings);
                continue;
            }
            if (type is null) continue;
            var properties = Properties(type);
            foreach (var key in section.GetChildren())
            {
                if (!properties.TryGetValue(key.Key, out var property))
                {
                    Unknown(config, key.Path, key.Key, properties.Values.Select(p => p.Name), strict, warnings);
                    continue;
                }
                if (key.Value is null) continue; // a JSON null, or a nested object checked by its binder
                var target = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
                if (!Converts(key.Value, target))
                    throw new InputDataException(null,
                        $"configuration {key.Path} = '{key.Value}' ({Source(config, key.Path)}) is not {Describe(target)}");
            }
        }
    }

    private static Dictionary<string, PropertyInfo> Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.SetMethod!.IsPublic)
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);

    private static void Unknown(IConfigurationRoot config, string path, string key, IEnumerable<string> valid, bool strict, TextWriter warnings)
    {
        var nearest = valid.MinBy(v => Distance(key.ToLowerInvariant(), v.ToLowerInvariant()))!;
        bool close = Distance(key.ToLowerInvariant(), nearest.ToLowerInvariant()) <= Math.Max(2, nearest.Length / 3);
        string where = path.Contains(':', StringComparison.Ordinal) ? $"{path[..path.LastIndexOf(':')]}:" : "";
        string hint = close ? $"did you mean `{where}{nearest}`?" : $"valid here: {string.Join(", ", valid.Order(StringComparer.Ordinal))}";
        string message = $"unknown configuration key `{path}` ({Source(config, path)}): {hint}";
        if (strict) throw new InputDataException(null, message + " (--strict-config)");
        warnings.WriteLine($"warning: {message}");
    }

    /// <summary>Which source gave <paramref name="path"/> its (last) value: a file, or an environment variable.</summary>
    internal static string Source(IConfigurationRoot config, string path)
    {
        foreach (var p in config.Providers.Reverse())
        {
            bool has = p.TryGet(path, out _) || p.GetChildKeys([], path).Any();
            if (!has) continue;
            return p switch
            {
                JsonConfigurationProvider j => $"in {(j.Source.FileProvider is Microsoft.Extensions.FileProviders.PhysicalFileProvider f ? Path.Combine(f.Root, j.Source.Path ?? "") : j.Source.Path)}",
                EnvironmentVariablesConfigurationProvider => $"from environment variable RTDECODE_{path.Replace(":", "__", StringComparison.Ordinal)}",
                _ => $"from {p}",
            };
        }
        return "from configuration";
    }

    private static bool Converts(string value, Type target)
    {
        if (target == typeof(string)) return true;
        if (target == typeof(bool)) return bool.TryParse(value, out _);
        if (target == typeof(int)) return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _);
        if (target == typeof(double)) return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
        if (target.IsEnum) return Enum.TryParse(target, value, ignoreCase: true, out _);
        var converter = TypeDescriptor.GetConverter(target);
        try { return converter.CanConvertFrom(typeof(string)) && converter.ConvertFromInvariantString(value) is not null; }
        catch (Exception e) when (e is FormatException or NotSupportedException or ArgumentException) { return false; }
    }

    private static string Describe(Type t) =>
        t == typeof(bool) ? "true or false"
        : t == typeof(int) ? "a whole number"
        : t == typeof(double) ? "a number"
        : t.IsEnum ? "one of " + string.Join(", ", Enum.GetNames(t))
        : "a " + t.Name;

    /// <summary>Levenshtein distance (insertions, deletions, substitutions each 1).</summary>
    internal static int Distance(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) prev[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (int j = 1; j <= b.Length; j++)
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }
}
