"""Step-size control: how long each update's step is, and which way it goes.

An update is a direction times a step length. :mod:`.schedules` gives the length as a
learning rate that changes with the update number (``torch.optim.lr_scheduler``'s schedules);
:mod:`.settings` holds a run's schedule settings; :mod:`.loop_source` writes a schedule into
the fused run loop. The line searches choose the length along a ray, Newton's method the
direction from the Hessian, and their own loop runs them.
"""
