namespace System;

public abstract class Attribute
{
    protected Attribute() { }
}
