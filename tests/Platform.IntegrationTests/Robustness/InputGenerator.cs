using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Platform.IntegrationTests.Robustness;

/// <summary>
/// Generated request parts for one operation of an OpenAPI document, from its schema and a seeded random source
/// (after Schemathesis): mostly plausible values with, at every level, wrong types, missing and extra fields, empty,
/// huge, unicode and control-character strings, and boundary or overflowing numbers; whole bodies are sometimes
/// malformed JSON or sent with a wrong content type.
/// </summary>
internal sealed class InputGenerator(JsonElement document, Random random)
{
    private static readonly string[] Strings =
    [
        "", " ", "a", "null", "0", "-1", "2026-W48", "2026-W53", "2026-W00", "0001-W01", "9999-W52", "2026-11-23", "2026-02-30",
        "2026-12", "2026-13", "job-search", "training", "R-OWN", "R-OTHER", "weekly-hours-below-engagement", "repeated-shortfall",
        "Élodie Ñúñez — « déclaration »", "日本語のテキスト", "emoji 😀👍🏽", "\u202Eright-to-left", "zero\u200Bwidth",
        "nul\u0000byte", "control\u0001\u0007\u001B chars", "line\nbreak\r\ttab", "\uFFFF\uFFFE", "lone \uD800 surrogate",
        "' OR 1=1 --", "<script>alert(1)</script>", "../../etc/passwd", "%00", "${jndi:x}", "1e309", "NaN", "true",
    ];

    private static readonly string[] Numbers =
    [
        "0", "1", "-1", "15", "35", "0.5", "-0.0", "2147483647", "2147483648", "-2147483648", "-2147483649",
        "9223372036854775807", "9223372036854775808", "-9223372036854775809", "79228162514264337593543950335",
        "1e308", "1.7976931348623157e308", "1e309", "-1e309", "1e-400", "0.0000000000000000000000001", "123456789.123456789123456789",
    ];

    /// <summary>Values a service would accept, by field name, so that generation also goes past validation.</summary>
    private static readonly Dictionary<string, string[]> Plausible = new(StringComparer.OrdinalIgnoreCase)
    {
        ["category"] = ["\"job-search\"", "\"training\"", "\"employment\"", "\"volunteering\""],
        ["date"] = ["\"2026-11-23\"", "\"2026-11-24\"", "\"2026-11-29\""],
        ["hours"] = ["3", "7.5", "0", "40"],
        ["hoursPerWeek"] = ["15", "0", "35"],
        ["week"] = ["\"2026-W48\"", "\"2026-W47\""],
        ["fromWeek"] = ["\"2026-W40\"", "\"2026-W01\""],
        ["toWeek"] = ["\"2026-W47\"", "\"2026-W10\""],
        ["note"] = ["\"3 candidatures\"", "null"],
        ["text"] = ["\"J'étais malade.\""],
        ["reason"] = ["\"Justificatif reçu et vérifié.\""],
        ["percent"] = ["30", "100"],
        ["months"] = ["1", "4"],
        ["startMonth"] = ["\"2027-01\""],
        ["fromMonth"] = ["\"2026-11\""],
        ["monthlyBaseAmount"] = ["646.52", "0"],
        ["householdSize"] = ["1", "3"],
        ["loneParentIncrease"] = ["false", "true"],
    };

    /// <summary>A value for a path or query parameter (unescaped).</summary>
    public string Parameter(string name, JsonElement schema, string plausible)
    {
        var roll = random.NextDouble();
        if (roll < 0.45)
        {
            return plausible;
        }

        var type = TypeOf(Resolve(schema));
        return roll < 0.7 && type is "integer" or "number"
            ? Pick(Numbers)
            : random.Next(10) == 0 ? new string('x', random.Next(300, 1500)) : Pick(Strings);
    }

    /// <summary>A body for <paramref name="schema"/>, with its content type; null content for "no body".</summary>
    public (string? Content, string ContentType) Body(JsonElement? schema)
    {
        var roll = random.NextDouble();
        var json = schema is { } shape ? Json(shape, 0) : "{}";
        return roll switch
        {
            < 0.06 => (null, "application/json"),
            < 0.12 => (json[..random.Next(Math.Max(1, json.Length))], "application/json"),        // cut short
            < 0.16 => (Pick(["{", "}", "{\"a\":}", "[1,]", "nul", "{'a': 1}", "\"unterminated", "{\"a\":1}{\"b\":2}", "\uFEFF{}"]), "application/json"),
            < 0.20 => (Pick(["null", "[]", "123", "\"text\"", "true", "[{}]"]), "application/json"),
            < 0.24 => (json, Pick(["text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data", "application/json; charset=latin1"])),
            < 0.26 => (new string('[', 5_000), "application/json"),                                  // deep nesting
            _ => (json, "application/json"),
        };
    }

    private string Json(JsonElement schema, int depth)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }))
        {
            Write(writer, null, schema, depth);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private void Write(Utf8JsonWriter writer, string? name, JsonElement schema, int depth)
    {
        schema = Resolve(schema);
        if (random.NextDouble() < 0.12 || depth > 4)
        {
            writer.WriteRawValue(Mutant(depth), skipInputValidation: true);
            return;
        }

        if (name is not null && Plausible.TryGetValue(name, out var values) && random.NextDouble() < 0.6)
        {
            writer.WriteRawValue(Pick(values), skipInputValidation: true);
            return;
        }

        switch (TypeOf(schema))
        {
            case "object":
                writer.WriteStartObject();
                if (schema.TryGetProperty("properties", out var properties))
                {
                    foreach (var property in properties.EnumerateObject())
                    {
                        if (random.NextDouble() < 0.1)
                        {
                            continue; // a missing field
                        }

                        writer.WritePropertyName(property.Name);
                        Write(writer, property.Name, property.Value, depth + 1);
                    }
                }

                if (schema.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind == JsonValueKind.Object)
                {
                    foreach (var key in Enumerable.Range(0, random.Next(0, 3)).Select(_ => Pick(["weekly-hours-below-engagement", "repeated-shortfall", "unknown-rule", "minimumHours", "shortfallWeeks", "windowWeeks", ""])).Distinct())
                    {
                        writer.WritePropertyName(key);
                        Write(writer, key, additional, depth + 1);
                    }
                }

                if (random.NextDouble() < 0.1)
                {
                    writer.WritePropertyName(Pick(["unexpected", "__proto__", "$type", "Activities", ""]));
                    writer.WriteRawValue(Mutant(depth), skipInputValidation: true);
                }

                writer.WriteEndObject();
                break;
            case "array":
                writer.WriteStartArray();
                var count = random.Next(10) == 0 ? random.Next(20, 120) : random.Next(0, 4);
                for (var i = 0; i < count; i++)
                {
                    if (schema.TryGetProperty("items", out var items))
                    {
                        Write(writer, null, items, depth + 1);
                    }
                    else
                    {
                        writer.WriteRawValue(Mutant(depth), skipInputValidation: true);
                    }
                }

                writer.WriteEndArray();
                break;
            case "integer" or "number":
                writer.WriteRawValue(Pick(Numbers), skipInputValidation: true);
                break;
            case "boolean":
                writer.WriteBooleanValue(random.Next(2) == 0);
                break;
            default:
                writer.WriteRawValue(Quote(random.Next(12) == 0 ? new string('é', random.Next(1_000, 20_000)) : Pick(Strings)), skipInputValidation: true);
                break;
        }
    }

    /// <summary>A value of any type, whatever the schema says.</summary>
    private string Mutant(int depth) => random.Next(8) switch
    {
        0 => "null",
        1 => Pick(Numbers),
        2 => Quote(Pick(Strings)),
        3 => random.Next(2) == 0 ? "true" : "false",
        4 => depth < 3 ? "[" + string.Join(',', Enumerable.Range(0, random.Next(0, 3)).Select(_ => Mutant(depth + 1))) + "]" : "[]",
        5 => depth < 3 ? "{\"x\":" + Mutant(depth + 1) + "}" : "{}",
        6 => "\"" + new string('z', random.Next(100, 10_000)) + "\"",
        _ => Quote(Pick(Strings)),
    };

    private JsonElement Resolve(JsonElement schema)
    {
        for (var hops = 0; hops < 10 && schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("$ref", out var reference); hops++)
        {
            var target = document;
            foreach (var segment in reference.GetString()!.TrimStart('#', '/').Split('/'))
            {
                target = target.GetProperty(segment);
            }

            schema = target;
        }

        if (schema.ValueKind == JsonValueKind.Object)
        {
            foreach (var combinator in new[] { "oneOf", "anyOf", "allOf" })
            {
                if (schema.TryGetProperty(combinator, out var options) && options.GetArrayLength() > 0)
                {
                    var choices = options.EnumerateArray().Where(option => TypeOf(Resolve(option)) != "null").ToList();
                    return choices.Count > 0 ? Resolve(choices[random.Next(choices.Count)]) : schema;
                }
            }
        }

        return schema;
    }

    private static string TypeOf(JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("type", out var type))
        {
            return schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("properties", out _) ? "object" : "string";
        }

        return type.ValueKind == JsonValueKind.Array
            ? type.EnumerateArray().Select(t => t.GetString()!).FirstOrDefault(t => t != "null") ?? "null"
            : type.GetString()!;
    }

    public string Pick(string[] values) => values[random.Next(values.Length)];

    /// <summary>A JSON string literal that keeps what an encoder would refuse: lone surrogates are written as escapes.</summary>
    private static string Quote(string text)
    {
        var quoted = new StringBuilder("\"");
        foreach (var c in text)
        {
            quoted.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                < ' ' or (>= '\uD800' and <= '\uDFFF') => "\\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }

        return quoted.Append('"').ToString();
    }
}
