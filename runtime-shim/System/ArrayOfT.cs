namespace System;

// ILC models T[] as deriving from Array<T>; the type must exist in the system module.
internal class Array<T> : Array
{
}
