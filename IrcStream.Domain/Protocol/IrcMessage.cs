using System.Text;

namespace IrcStream.Domain.Protocol;

/// <summary>
/// One IRC message (modern IRC client protocol with IRCv3 message tags), immutable.
/// </summary>
public sealed class IrcMessage : IEquatable<IrcMessage>
{
    private static readonly IReadOnlyDictionary<string, string> NoTags = new Dictionary<string, string>();

    public IrcMessage(IReadOnlyDictionary<string, string>? tags, string? source, string command, IReadOnlyList<string> parameters)
    {
        ArgumentException.ThrowIfNullOrEmpty(command);
        ArgumentNullException.ThrowIfNull(parameters);
        Tags = tags is null || tags.Count == 0 ? NoTags : tags;
        Source = string.IsNullOrEmpty(source) ? null : source;
        Command = command.ToUpperInvariant();
        Params = parameters;
    }

    /// <summary>Tag values, unescaped; a tag without a value maps to "".</summary>
    public IReadOnlyDictionary<string, string> Tags { get; }

    /// <summary>The prefix without its leading ':'; null when the line had none.</summary>
    public string? Source { get; }

    /// <summary>The command or numeric, upper-cased.</summary>
    public string Command { get; }

    /// <summary>Every parameter, the trailing one last.</summary>
    public IReadOnlyList<string> Params { get; }

    /// <summary>Parses one line (without CRLF).</summary>
    /// <exception cref="IrcParseException">The line is not an IRC message.</exception>
    public static IrcMessage Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        return IrcMessageParser.Parse(line, out var error) ?? throw new IrcParseException(error!);
    }

    public static bool TryParse(string line, out IrcMessage message)
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
        foreach (var (key, value) in Tags)
        {
            if (!other.Tags.TryGetValue(key, out var otherValue) || otherValue != value) return false;
        }
        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as IrcMessage);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Command);
        hash.Add(Source);
        foreach (var p in Params) hash.Add(p);
        return hash.ToHashCode();
    }
}
