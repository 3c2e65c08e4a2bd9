namespace IrcStream.Api.Configuration;

/// <summary>
/// Templates for the user name (ident) and real name the gateway sends in USER, so a network can ban one web user by
/// <c>*!ident@*</c>. Unset keeps the user's own choice. Placeholders: <c>{hexip}</c>, <c>{host}</c>, <c>{username}</c>,
/// <c>{realname}</c>, <c>{nick}</c> (see docs/OPERATORS.md).
/// </summary>
public sealed class IdentOptions
{
    /// <summary>The user name template, e.g. <c>{hexip}</c>; unset sends the user's own.</summary>
    public string? Username { get; set; }

    /// <summary>The real name template, e.g. <c>{realname} [{host}]</c>; unset sends the user's own.</summary>
    public string? Realname { get; set; }
}
