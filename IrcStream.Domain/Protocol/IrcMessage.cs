using System.Diagnostics.CodeAnalysis;

namespace IrcStream.Domain.Protocol;

/// <summary>
/// One IRC message (modern IRC client protocol with IRCv3 message tags), immutable, with value equality.
/// <see cref="ToString"/> gives the wire form, which <see cref="Parse"/> turns back into an equal message.
/// </summary>
public sealed class IrcMessage : IEquatable<IrcMessage>
{
    private static readonly string[] NoParams = [];

    /// <summary>
    /// Builds a message, copying <paramref name="tags"/> and <paramref name="parameters"/> so later changes to
    /// them cannot reach it. Only a message the wire can carry is accepted, so that its <see cref="ToString"/>
    /// parses back to an equal message.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The command is not ASCII letters or digits; the source contains a space; a tag key is empty or contains
    /// a space, ';' or '='; or a parameter other than the last is empty, contains a space or begins with ':'.
    /// </exception>
    public IrcMessage(IReadOnlyDictionary<string, string>? tags, string? source, string command, IReadOnlyList<string> parameters)
    {
        ArgumentException.ThrowIfNullOrEmpty(command);
        ArgumentNullException.ThrowIfNull(parameters);
        if (!IrcMessageParser.IsCommand(command))
            throw new ArgumentException($"The command '{command}' is not ASCII letters or a numeric.", nameof(command));
        if (source is not null && source.Contains(' '))
            throw new ArgumentException("The source cannot contain a space.", nameof(source));

        TagTable = CopyTags(tags);
        Source = string.IsNullOrEmpty(source) ? null : source;
        Command = IrcCommands.Intern(command);
        Params = CopyParams(parameters);
    }

    private IrcMessage(IrcTags tags, string? source, string command, string[] parameters)
    {
        TagTable = tags;
        Source = source;
        Command = command;
        Params = parameters;
    }

    /// <summary>For the parser, which hands over what it built and has already checked, without copies.</summary>
    internal static IrcMessage FromParts(IrcTags tags, string? source, string command, string[] parameters) =>
        new(tags, source, command, parameters);

    /// <summary>Tag values, unescaped; a tag without a value (or with an empty one) maps to "".</summary>
    public IReadOnlyDictionary<string, string> Tags => TagTable;

    internal IrcTags TagTable { get; }

    /// <summary>The prefix without its leading ':'; null when the line had none. See <see cref="IrcSource.Parse"/>.</summary>
    public string? Source { get; }

    /// <summary>The command or three-digit numeric, upper-cased.</summary>
    public string Command { get; }

    /// <summary>Every parameter, the trailing one last (without its ':').</summary>
    public IReadOnlyList<string> Params { get; }

    /// <summary>Parses one line (without CRLF).</summary>
    /// <exception cref="IrcParseException">The line is not an IRC message.</exception>
    public static IrcMessage Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        return IrcMessageParser.Parse(line, out var error) ?? throw new IrcParseException(error!);
    }

    /// <summary>Parses one line (without CRLF); false, never an exception, when it is not an IRC message.</summary>
    public static bool TryParse(string line, [NotNullWhen(true)] out IrcMessage message)
    {
        message = line is null ? null! : IrcMessageParser.Parse(line, out _)!;
        return message is not null;
    }

    /// <summary>The wire form without CRLF; parses back to an equal message.</summary>
    public override string ToString() => IrcMessageFormatter.Format(this);

    public bool Equals(IrcMessage? other)
    {
        if (other is null) return false;
        if (ReferenceEquals(this, other)) return true;
        if (Command != other.Command || Source != other.Source) return false;
        if (Params.Count != other.Params.Count || Tags.Count != other.Tags.Count) return false;
        for (var i = 0; i < Params.Count; i++)
        {
            if (Params[i] != other.Params[i]) return false;
        }
        for (var i = 0; i < TagTable.Count; i++)
        {
            var (key, value) = TagTable.At(i);
            if (!other.TagTable.TryGetValue(key, out var otherValue) || otherValue != value) return false;
        }
        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as IrcMessage);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Command);
        hash.Add(Source);
        hash.Add(Tags.Count);
        foreach (var p in Params) hash.Add(p);
        return hash.ToHashCode();
    }

    private static IrcTags CopyTags(IReadOnlyDictionary<string, string>? tags)
    {
        if (tags is null || tags.Count == 0) return IrcTags.Empty;
        var copy = new IrcTags(tags.Count);
        foreach (var (key, value) in tags)
        {
            if (string.IsNullOrEmpty(key) || key.AsSpan().IndexOfAny(" ;=") >= 0)
                throw new ArgumentException($"The tag key '{key}' is empty or contains a space, ';' or '='.", nameof(tags));
            copy.Set(key, value ?? string.Empty);
        }
        return copy;
    }

    private static string[] CopyParams(IReadOnlyList<string> parameters)
    {
        if (parameters.Count == 0) return NoParams;
        var copy = new string[parameters.Count];
        for (var i = 0; i < copy.Length; i++)
        {
            var parameter = parameters[i] ?? throw new ArgumentException($"Parameter {i} is null.", nameof(parameters));
            if (i < copy.Length - 1 && IrcParameters.NeedsTrailing(parameter))
                throw new ArgumentException(
                    $"Parameter {i} ('{parameter}') is empty, begins with ':' or contains a space; only the last parameter may.", nameof(parameters));
            copy[i] = parameter;
        }
        return copy;
    }
}
