"""Step-size control: line searches, Newton's direction, and the loop that runs them."""
