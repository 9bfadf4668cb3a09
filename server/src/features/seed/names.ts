// Sample French names and places for demo and scale data.
export const FIRST_NAMES = ['Camille', 'Léa', 'Manon', 'Chloé', 'Inès', 'Sarah', 'Jade', 'Louise', 'Emma', 'Zoé', 'Lucas', 'Hugo', 'Louis', 'Nathan', 'Gabriel', 'Jules', 'Arthur', 'Mohamed', 'Yanis', 'Karim', 'Amina', 'Fatou', 'Nicolas', 'Sophie', 'Julien', 'Claire', 'Thomas', 'Élodie', 'Mathieu', 'Aurélie', 'Bernard', 'Monique', 'Pierre', 'Françoise', 'Youssef', 'Nadia', 'Théo', 'Margaux', 'Antoine', 'Céline'];
export const LAST_NAMES = ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent', 'Lefebvre', 'Michel', 'Garcia', 'David', 'Bertrand', 'Roux', 'Vincent', 'Fournier', 'Morel', 'Girard', 'André', 'Mercier', 'Dupont', 'Lambert', 'Bonnet', 'François', 'Martinez', 'Benali', 'Haddad', 'Diallo', 'Nguyen', 'Lopez', 'Fontaine', 'Chevalier', 'Robin', 'Masson', 'Sanchez', 'Muller'];
export const PLACES: Array<[commune: string, postalCode: string]> = [
  ['Lyon', '69001'], ['Villeurbanne', '69100'], ['Marseille', '13001'], ['Lille', '59000'], ['Roubaix', '59100'], ['Toulouse', '31000'],
  ['Nantes', '44000'], ['Rennes', '35000'], ['Strasbourg', '67000'], ['Bordeaux', '33000'], ['Montpellier', '34000'], ['Grenoble', '38000'],
  ['Clermont-Ferrand', '63000'], ['Saint-Denis', '93200'], ['Montreuil', '93100'], ['Paris', '75011'], ['Paris', '75020'], ['Brest', '29200'],
  ['Limoges', '87000'], ['Besançon', '25000'], ['Amiens', '80000'], ['Dijon', '21000'], ['Tours', '37000'], ['Nancy', '54000'],
];
