"""Common names of people working in Paris, embedded so the demo needs no generator library at runtime.

Lists are ordered roughly by frequency; `weights()` gives a gentle Zipf-like preference to the first ones.
"""


def _names(text: str) -> list[str]:
    """One name per blank-separated word; an underscore stands for a space inside a name (Le_Gall)."""
    return [word.replace("_", " ") for word in text.split()]


FIRST_NAMES_FEMALE = _names("""
Nathalie Isabelle Sylvie Catherine Sandrine Valérie Christine Véronique Céline Stéphanie Sophie Patricia
Nadia Karine Aurélie Laurence Virginie Émilie Julie Caroline Martine Fatima Corinne Élodie Audrey Anne
Marie Laetitia Françoise Delphine Mélanie Samia Christelle Hélène Florence Vanessa Séverine Nicole Myriam
Sarah Camille Laura Claire Pauline Amandine Jessica Marine Charlotte Anaïs Mathilde Manon Léa Chloé Inès
Aïcha Khadija Aminata Fatoumata Mariam Awa Leïla Yasmina Malika Nora Sonia Linda Rachida Samira Djamila
Monique Brigitte Chantal Dominique Josiane Danielle Évelyne Pascale Agnès Béatrice Muriel Annie Odile
Carole Cécile Géraldine Magali Emmanuelle Alexandra Marion Lucie Clémence Justine Margaux Océane Jade
Louise Emma Alice Lina Maëva Morgane Ophélie Angélique Cindy Jennifer Priscilla Rose Ana Maria Paula
Mélissa Yasmine Naïma Houria Zohra Dalila Hanane Salimata Kadiatou Hawa Bintou Mariama Ramatoulaye
Thi Lan Mei Ngoc Hoa Sabrina Estelle Gaëlle Solène Coralie Sabine Ghislaine Maryse Josette Yvette Colette
""")

FIRST_NAMES_MALE = _names("""
David Stéphane Christophe Laurent Frédéric Nicolas Sébastien Philippe Olivier Thierry Éric Pascal Franck
Patrick Jérôme Julien Mohamed Karim Vincent Alain Cédric Fabrice Bruno Didier Thomas Guillaume Alexandre
Anthony Jean Michel Pierre Daniel Gilles Rachid Mamadou Moussa Abdel Samir Mehdi Youssef Ahmed Ali Omar
Bruno Dominique Serge Denis Marc Yves Jacques Bernard Gérard Hervé Lionel Arnaud Benoît Damien Florian
Kevin Romain Maxime Mathieu Antoine Jonathan Yannick Ludovic Grégory Xavier Emmanuel Fabien Hugo Lucas
Théo Nathan Louis Adam Rayan Amine Bilal Hamza Ibrahim Issa Boubacar Seydou Ousmane Abdoulaye Sekou
Moustapha Malik Nordine Farid Djamel Hakim Sofiane Walid Yacine Kamel Mourad Rui José Manuel Carlos
Paulo Joaquim Tiago Minh Duc Long Kévin Jordan Steve Yann Gaël Loïc Ronan Quentin Baptiste Clément
Jean-Pierre Jean-Luc Jean-Marc Jean-François Jean-Claude Jean-Michel Marc-Antoine Pierre-Yves
René Claude Robert Roger Henri Raymond Guy Francis Joël Régis Rémi Cyril Sylvain Gaétan Teddy Willy
""")

LAST_NAMES = _names("""
Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel Lefebvre Leroy Roux
David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine Rousseau Vincent Muller Lefèvre Faure
André Mercier Blanc Guérin Boyer Garnier Chevalier François Legrand Gauthier Garcia Perrin Robin Clément
Morin Nicolas Henry Roussel Mathieu Gautier Masson Marchand Duval Denis Dumont Marie Lemaire Noël Meyer
Dufour Meunier Brun Blanchard Giraud Joly Rivière Lucas Brunet Gaillard Barbier Arnaud Martinez Gérard
Roche Renard Schmitt Roy Leroux Colin Vidal Caron Picard Roger Fabre Aubert Lemoine Renaud Dumas Lacroix
Olivier Philippe Bourgeois Pierre Benoît Rey Leclerc Payet Rolland Leclercq Guillaume Lecomte Lopez Jean
Dupuy Guillot Hubert Berger Carpentier Sanchez Dupuis Moulin Louis Deschamps Huet Vasseur Perez Boucher
Fleury Royer Klein Jacquet Adam Paris Poirier Marty Aubry Guyot Carré Charles Renault Charpentier Ménard
Maillard Baron Bertin Bailly Hervé Schneider Fernandez Le_Gall Collet Léger Bouvier Julien Prévost Millet
Perrot Daniel Le_Roux Cousin Germain Breton Besson Langlois Rémy Le_Goff Pelletier Lévêque Perrier Leblanc
Barré Lebrun Marchal Weber Mallet Hamon Boulanger Jacob Monnier Michaud Rodriguez Guichard Gillet Étienne
Grondin Poulain Tessier Chevallier Collin Chauvin Da_Silva Bouchet Gay Lemaître Bénard Maréchal Humbert
Reynaud Antoine Hoarau Perret Barthélemy Cordier Pichon Lejeune Gilbert Lamy Delaunay Pasquier Carlier
Laporte Diallo Traoré Koné Touré Diop Ndiaye Sow Camara Cissé Keïta Konaté Coulibaly Sylla Fofana Bamba
Benali Haddad Belkacem Mansouri Bouzid Cherif Saïdi Hamidi Brahimi Amrani Ziani Khelifi Mebarki Ouali
Nguyen Tran Pham Hoang Vo Dang Bui Chen Wang Zhang Li Ferreira Pereira Dos_Santos Rodrigues Gonçalves
Oliveira Alves Lopes Costa Mendes Cohen Lévy Attal Benhamou Zerbib Kaplan Yilmaz Kaya Demir Çelik
Silva Marques Ribeiro Teixeira Pinto Moreira Carvalho Almeida Sousa Baptiste Jean-Baptiste Joseph Pierre-Louis
Lebon Hoareau Fontaine Técher Grégoire Riviere Lemaire Moreno Navarro Romero Torres Ruiz Alonso Gomez
""")

# Names the City gives its equipment (gymnasiums, libraries, crèches): plausible, not a real inventory.
PERSONALITIES = _names("""
Suzanne-Lenglen Alfred-Nakache Marie-Paradis Jules-Ladoumègue Georges-Carpentier Émile-Anthoine
Jean-Dame Paul-Valeyre Louise-Michel Marguerite-Yourcenar Jacques-Prévert Colette-Besson Aimé-Césaire
Simone-Veil Olympe-de-Gouges Victor-Hugo George-Sand Jean-Moulin Lucie-Aubrac Germaine-Tillion
Joséphine-Baker Gisèle-Halimi Rosa-Parks Nelson-Mandela Marie-Curie Françoise-Dolto Jules-Verne
Émile-Zola Colette Édith-Piaf Léo-Lagrange Pierre-de-Coubertin Micheline-Ostermeyer Alain-Mimoun
Marcel-Cerdan Jean-Bouin Charlotte-Delbo Louise-Weiss Hélène-Boucher Violette-Morris Nelson-Paillou
Paul-Éluard Robert-Desnos Frida-Kahlo Camille-Claudel Louis-Lumière Boris-Vian Anna-Marly Raymond-Queneau
""")


def weights(names: list[str]) -> list[float]:
    """Zipf-like preference for the first names of a list (most frequent first)."""
    return [1.0 / (rank + 12) for rank in range(len(names))]
