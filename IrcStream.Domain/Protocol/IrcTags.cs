using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace IrcStream.Domain.Protocol;

/// <summary>
/// The tag table behind <see cref="IrcMessage.Tags"/>: one array of pairs, searched linearly, because a
/// message carries a handful of tags and a Dictionary would cost three allocations for them.
/// Past <see cref="IndexThreshold"/> tags an index keeps lookups and de-duplication linear, since a
/// server may legally send thousands of tags in 8191 bytes.
/// Only written while the message is being built; read-only afterwards.
/// </summary>
internal sealed class IrcTags : IReadOnlyDictionary<string, string>
{
    private const int IndexThreshold = 16;

    public static readonly IrcTags Empty = new(0);

    private KeyValuePair<string, string>[] _items;
    private int _count;
    private Dictionary<string, int>? _index;

    public IrcTags(int capacity) => _items = capacity == 0 ? [] : new KeyValuePair<string, string>[capacity];

    public int Count => _count;

    public string this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The message has no tag '{key}'.");

    public IEnumerable<string> Keys
    {
        get
        {
            for (var i = 0; i < _count; i++) yield return _items[i].Key;
        }
    }

    public IEnumerable<string> Values
    {
        get
        {
            for (var i = 0; i < _count; i++) yield return _items[i].Value;
        }
    }

    /// <summary>Adds a tag, or replaces the value of one already there (a duplicated key keeps the last value).</summary>
    public void Set(string key, string value)
    {
        var at = IndexOf(key);
        if (at >= 0)
        {
            _items[at] = new(key, value);
            return;
        }
        if (_count == _items.Length) Array.Resize(ref _items, Math.Max(4, _count * 2));
        _items[_count] = new(key, value);
        _index?.Add(key, _count);
        _count++;
        if (_index is null && _count > IndexThreshold)
        {
            _index = new Dictionary<string, int>(_count * 2, StringComparer.Ordinal);
            for (var i = 0; i < _count; i++) _index.Add(_items[i].Key, i);
        }
    }

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        var at = IndexOf(key);
        if (at < 0)
        {
            value = null;
            return false;
        }
        value = _items[at].Value;
        return true;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
    {
        for (var i = 0; i < _count; i++) yield return _items[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal KeyValuePair<string, string> At(int index) => _items[index];

    private int IndexOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_index is not null) return _index.TryGetValue(key, out var found) ? found : -1;
        for (var i = 0; i < _count; i++)
        {
            if (string.Equals(_items[i].Key, key, StringComparison.Ordinal)) return i;
        }
        return -1;
    }
}
