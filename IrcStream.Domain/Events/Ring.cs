using System.Numerics;

namespace IrcStream.Domain.Events;

/// <summary>
/// A first-in first-out ring that grows by doubling when full and shrinks back once it is mostly empty, so a quiet
/// owner holds a small array after a burst.
/// </summary>
internal sealed class Ring<T>(int minSlots)
{
    private T[] _slots = new T[minSlots];
    private int _head;

    public int Count { get; private set; }

    /// <summary>The length of the slot array, for tests of how it grows and shrinks, and for counting memory.</summary>
    public int SlotCount => _slots.Length;

    /// <summary>The item <paramref name="index"/> places from the oldest.</summary>
    public ref T this[int index] => ref _slots[(_head + index) % _slots.Length];

    public ref T Last => ref this[Count - 1];

    public void Add(T item)
    {
        if (Count == _slots.Length) Resize(_slots.Length * 2);
        _slots[(_head + Count) % _slots.Length] = item;
        Count++;
    }

    public void RemoveFirst()
    {
        _slots[_head] = default!;
        _head = (_head + 1) % _slots.Length;
        Count--;
        // Back to what is held now, with room to double: a shrink is never followed at once by a growth.
        if (_slots.Length > minSlots && Count <= _slots.Length / 4)
            Resize(Math.Max(minSlots, (int)BitOperations.RoundUpToPowerOf2((uint)Count * 2)));
    }

    public void Clear()
    {
        _slots = new T[minSlots];
        _head = 0;
        Count = 0;
    }

    private void Resize(int size)
    {
        var resized = new T[size];
        for (var i = 0; i < Count; i++) resized[i] = this[i];
        _slots = resized;
        _head = 0;
    }
}
