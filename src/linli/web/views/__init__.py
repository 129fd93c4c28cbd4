"""The pages: the front door, and the member's, leader's and supplier's pages."""
