"""The settings form: function, start, optimizer and the data section."""
